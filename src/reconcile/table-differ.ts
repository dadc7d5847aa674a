import type { RowDataPacket } from 'mysql2/promise';
import { columnClass } from '../core/column-class.js';
import type { RowValue } from '../core/row-value.js';
import { mapWithLimit } from './async-pool.js';
import type { KeyRange } from './key-range.js';
import { bucketHashes, hashRange, nextChunkEnd, rowHashes, sameHash, splitKeys, type RangeHash } from './range-hasher.js';
import type { TableSide } from './table-side.js';

export interface DiffOptions {
  /** Rows per top-level chunk (hashed in both servers at once). */
  chunkRows: number;
  /** A mismatching range this small is compared row by row (per-row hashes). */
  leafRows: number;
  /** Sub-ranges a mismatching range is split into per bisection step. */
  fanout: number;
  /** Mismatching sibling ranges bisected at once (per level). */
  parallel?: number;
  /** Called after each top-level chunk with the source rows it covered. */
  onProgress?: (sourceRows: number) => void;
  /** Checked between chunks; when it returns true the walk stops early. */
  stopRequested?: () => boolean;
}

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
  /** Rows whose per-row hashes were fetched (the transfer that grows with the differences). */
  rowsCompared: number;
}

export const DEFAULT_DIFF_OPTIONS: DiffOptions = { chunkRows: 20_000, leafRows: 32, fanout: 16, parallel: 4 };

/**
 * Compares a table on two servers: chunk by key ranges, hash each chunk in both servers at once,
 * bisect mismatching chunks into `fanout` sub-ranges hashed with one GROUP BY each, and compare
 * per-row hashes only in ranges of at most `leafRows` rows. Returns the keys that differ.
 */
export async function diffTable(source: TableSide, target: TableSide, options: DiffOptions = DEFAULT_DIFF_OPTIONS): Promise<{ differences: RowDifferences; stats: DiffStats }> {
  const differences: RowDifferences = { missing: [], extra: [], changed: [] };
  const stats: DiffStats = { sourceRows: 0, targetRows: 0, chunks: 0, chunksDiffering: 0, rowsCompared: 0 };

  const leaf = async (range: KeyRange): Promise<void> => {
    const [onSource, onTarget] = await Promise.all([rowHashes(source, range), rowHashes(target, range)]);
    stats.rowsCompared += onSource.size + onTarget.size;
    for (const [id, row] of onSource) {
      const other = onTarget.get(id);
      if (other === undefined) differences.missing.push(row.key);
      else if (other.hash !== row.hash) differences.changed.push(row.key);
    }
    for (const [id, row] of onTarget) if (!onSource.has(id)) differences.extra.push(row.key);
  };

  const bisect = async (range: KeyRange, onSource: RangeHash, onTarget: RangeHash): Promise<void> => {
    const larger = Math.max(onSource.count, onTarget.count);
    if (larger <= options.leafRows) return leaf(range);
    const splitter = onSource.count >= onTarget.count ? source : target;
    const keys = await splitKeys(splitter, range, larger, options.fanout);
    if (keys.length === 0) return leaf(range);
    const [bySource, byTarget] = await Promise.all([bucketHashes(source, range, keys), bucketHashes(target, range, keys)]);
    const differing: Array<{ sub: KeyRange; s: RangeHash; t: RangeHash }> = [];
    for (let i = 0; i <= keys.length; i++) {
      const s = bySource[i] as RangeHash;
      const t = byTarget[i] as RangeHash;
      if (sameHash(s, t)) continue;
      const sub: KeyRange = {
        ...(i === 0 ? (range.after === undefined ? {} : { after: range.after }) : { after: keys[i - 1] }),
        ...(i === keys.length ? (range.upTo === undefined ? {} : { upTo: range.upTo }) : { upTo: keys[i] }),
      };
      differing.push({ sub, s, t });
    }
    // Sibling ranges are independent: bisect a few at once (each level multiplies, the pool queues the rest).
    await mapWithLimit(differing, options.parallel ?? 1, ({ sub, s, t }) => bisect(sub, s, t));
  };

  const compareChunk = async (range: KeyRange): Promise<void> => {
    const [onSource, onTarget] = await Promise.all([hashRange(source, range), hashRange(target, range)]);
    stats.chunks++;
    stats.sourceRows += onSource.count;
    stats.targetRows += onTarget.count;
    if (!sameHash(onSource, onTarget)) {
      stats.chunksDiffering++;
      await bisect(range, onSource, onTarget);
    }
    options.onProgress?.(onSource.count);
  };

  const ranges = await integerKeyRanges(source, target, options.chunkRows);
  if (ranges !== undefined) {
    // Known ranges need no walk over the key: two chunks in flight keep both servers busy.
    await mapWithLimit(ranges, 2, async (range) => {
      if (options.stopRequested?.() !== true) await compareChunk(range);
    });
    return { differences, stats };
  }

  let after: RowValue[] | undefined;
  let nextEnd = nextChunkEnd(source, undefined, options.chunkRows);
  for (;;) {
    const upTo = await nextEnd;
    const range: KeyRange = { ...(after === undefined ? {} : { after }), ...(upTo === undefined ? {} : { upTo }) };
    if (upTo !== undefined) {
      nextEnd = nextChunkEnd(source, upTo, options.chunkRows);
      nextEnd.catch(() => undefined); // awaited on the next turn; this only keeps an early failure from going unhandled
    }
    if (options.stopRequested?.() === true) break;
    await compareChunk(range);
    if (upTo === undefined) break;
    after = upTo;
  }
  return { differences, stats };
}

/**
 * Chunks of a single-column integer key by value: (min, max) over both servers split into ranges of
 * equal width, about `chunkRows` rows each by the source's row estimate, the first and last open-ended
 * so no row outside [min, max] escapes. Undefined for other keys (they are walked instead).
 */
async function integerKeyRanges(source: TableSide, target: TableSide, chunkRows: number): Promise<KeyRange[] | undefined> {
  const [sourceKey] = source.keyColumns;
  const [targetKey] = target.keyColumns;
  if (source.keyColumns.length !== 1 || sourceKey === undefined || targetKey === undefined) return undefined;
  if (columnClass(sourceKey) !== 'integer' || columnClass(targetKey) !== 'integer') return undefined;
  const [a, b] = await Promise.all([keyBounds(source), keyBounds(target)]);
  const bounds = [a, b].filter((x): x is { min: bigint; max: bigint } => x !== undefined);
  if (bounds.length === 0) return [{}];
  const min = bounds.reduce((m, x) => (x.min < m ? x.min : m), bounds[0]?.min ?? 0n);
  const max = bounds.reduce((m, x) => (x.max > m ? x.max : m), bounds[0]?.max ?? 0n);
  // The server's row estimate can be 0 right after a bulk load; then assume dense keys (the span).
  const span = max - min + 1n;
  const estimated = BigInt(Math.max(source.schema.rowsEstimate ?? 0, target.schema.rowsEstimate ?? 0));
  const rows = estimated > 0n && estimated < span ? estimated : span;
  // Sparse keys with no estimate (span ~2^64) must not turn into billions of ranges: past the cap a
  // range simply holds more rows, and bisection splits the ones that differ.
  const chunks = min64(rows / BigInt(chunkRows) + 1n, MAX_CHUNKS);
  const width = (max - min) / chunks + 1n;
  const ranges: KeyRange[] = [];
  for (let start = min - 1n; start < max; start += width) {
    const end = start + width;
    ranges.push({
      ...(ranges.length === 0 ? {} : { after: [start.toString()] }),
      ...(end >= max ? {} : { upTo: [end.toString()] }),
    });
    if (end >= max) break;
  }
  return ranges;
}

const MAX_CHUNKS = 10_000n;

function min64(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

async function keyBounds(side: TableSide): Promise<{ min: bigint; max: bigint } | undefined> {
  const [row] = (await side.pool.query<RowDataPacket[]>(`SELECT MIN(${side.sql.keyList}) AS lo, MAX(${side.sql.keyList}) AS hi FROM ${side.from}`))[0];
  if (row?.lo === null || row?.lo === undefined) return undefined;
  return { min: BigInt(String(row.lo)), max: BigInt(String(row.hi)) };
}
