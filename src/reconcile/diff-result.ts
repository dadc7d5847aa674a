import type { RowValue } from '../core/row-value.js';

export interface RowDifferences {
  /** Keys present on the source only: to insert. */
  missing: RowValue[][];
  /** Keys present on the target only: to delete. */
  extra: RowValue[][];
  /** Keys on both sides whose rows differ: to update. */
  changed: RowValue[][];
}

export interface DiffStats {
  sourceRows: number;
  targetRows: number;
  chunks: number;
  chunksDiffering: number;
  /** Rows whose per-row digests were fetched, both sides (the transfer that grows with the differences). */
  rowsCompared: number;
  /** Chunks compared row by row without hashing them first (after a chunk with drift of at least LIST_DRIFT). */
  chunksRowByRow: number;
}

export function differenceCount(differences: RowDifferences): number {
  return differences.missing.length + differences.extra.length + differences.changed.length;
}

/** Adds one compared chunk's row counts and differences to a table's totals; returns how many it found. */
export function addChunk(stats: DiffStats, differences: RowDifferences, chunk: { sourceRows: number; targetRows: number; found: RowDifferences }): number {
  const found = differenceCount(chunk.found);
  stats.chunks++;
  stats.sourceRows += chunk.sourceRows;
  stats.targetRows += chunk.targetRows;
  if (found > 0) stats.chunksDiffering++;
  // Loops, not push(...): a chunk of a sparse key can hold more differences than a call takes arguments.
  for (const key of chunk.found.missing) differences.missing.push(key);
  for (const key of chunk.found.extra) differences.extra.push(key);
  for (const key of chunk.found.changed) differences.changed.push(key);
  return found;
}
