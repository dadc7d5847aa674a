import { compareBuckets, hashSpans, keysHeld } from './diff-buckets.js';
import { DENSE_DRIFT, densityFromBuckets, rowsPerBucket, type DriftEstimate } from './diff-cost-model.js';
import { joinSpans, spansSql, spanWidth, type IntSpan } from './diff-integer-spans.js';
import { addChunk, type DiffStats, type RowDifferences } from './diff-result.js';
import { compareDigestLists, compareRowsInKeyOrder, type DigestListAim, type RowCounts } from './leaf-compare.js';
import type { TableSide } from './table-side.js';

export interface IntegerDiff {
  source: TableSide;
  target: TableSide;
  /** Nominal key values per chunk (what an open-ended chunk counts as). */
  chunkWidth: bigint;
  /** Rows per key value expected before any chunk is done. */
  rowsPerValue: number;
  leafRows: number;
  /** The most rows a digest list is asked for (DIGEST_LIST_ROWS at first). */
  listAim: DigestListAim;
  estimate: DriftEstimate;
  stats: DiffStats;
  differences: RowDifferences;
}

/** Spans of differing buckets read row by row in one query at most (an OR of ranges each). */
const SPANS_PER_QUERY = 2000;

/**
 * Compares one chunk of a single-column integer key, as the cost model plans it: hashed whole first,
 * or straight in power-of-two buckets of the key (one GROUP BY per side), or row by row (a list of
 * row digests a side). Differing buckets are refined with finer buckets until comparing their rows
 * one by one is cheaper.
 */
export async function compareIntegerChunk(diff: IntegerDiff, chunk: IntSpan): Promise<RowCounts> {
  const found: RowDifferences = { missing: [], extra: [], changed: [] };
  const width = spanWidth([chunk], diff.chunkWidth);
  const expectedRows = Math.max(1, Number(width) * diff.estimate.rowsPerKeyValue(diff.rowsPerValue));
  let counts: RowCounts;
  switch (diff.estimate.planChunk()) {
    case 'rows':
      counts = await compareSpanRows(diff, [chunk], expectedRows, found);
      diff.stats.chunksRowByRow++;
      break;
    case 'buckets':
      counts = await refine(diff, [chunk], expectedRows, Math.max(diff.estimate.density, 1 / expectedRows), 64, found);
      break;
    case 'hash-first': {
      const [onSource, onTarget] = await Promise.all([hashSpans(diff.source, [chunk]), hashSpans(diff.target, [chunk])]);
      counts = { sourceRows: onSource.count, targetRows: onTarget.count };
      if (onSource.count !== onTarget.count || onSource.hash !== onTarget.hash) {
        const rows = Math.max(onSource.count, onTarget.count);
        // At least one difference, and at least as many as the counts differ by.
        const density = Math.max(diff.estimate.density, Math.max(1, Math.abs(onSource.count - onTarget.count)) / rows);
        await refine(diff, [keysHeld(onSource, onTarget)], rows, density, 64, found);
      }
    }
  }

  const differences = addChunk(diff.stats, diff.differences, { ...counts, found });
  diff.estimate.record({ rows: Math.max(counts.sourceRows, counts.targetRows), differences, width: Number(width) });
  return counts;
}

/**
 * Hashes `spans` (about `rows` rows at `density` differences per row) in buckets sized by the cost
 * model, finer than `shiftAbove`, and goes on with the buckets that differ. Returns the rows the
 * spans hold on each side.
 */
async function refine(diff: IntegerDiff, spans: IntSpan[], rows: number, density: number, shiftAbove: number, into: RowDifferences): Promise<RowCounts> {
  const perValue = rows / Number(spanWidth(spans, diff.chunkWidth));
  const shift = Math.min(shiftAbove - 1, Math.floor(Math.log2(rowsPerBucket(density) / perValue)));
  if (rows <= diff.leafRows || density >= DENSE_DRIFT || shift < 1) return compareSpanRows(diff, spans, rows, into);

  const { counts, buckets, differing } = await compareBuckets(diff.source, diff.target, spans, shift);
  if (differing.length === 0) return counts;

  const perBucket = Math.max(counts.sourceRows, counts.targetRows) / buckets;
  const levelDensity = densityFromBuckets(differing.length, buckets, perBucket);
  // Every difference lies in a differing bucket: their rows hold them all.
  const differingRows = differing.reduce((sum, d) => sum + d.rows, 0);
  const inside = Math.min(1, (levelDensity * Math.max(counts.sourceRows, counts.targetRows)) / Math.max(1, differingRows));
  if (differingRows / differing.length <= 2 * rowsPerBucket(inside) || inside >= DENSE_DRIFT) await compareSpanRows(diff, differing.map((d) => d.span), differingRows, into);
  else await refine(diff, joinSpans(differing.map((n) => n.span)), differingRows, inside, shift, into);
  return counts;
}

/**
 * Row-by-row comparison of spans (in key order, about `rows` rows), at most SPANS_PER_QUERY of them
 * per query: as digest lists when they fit in one, else (or when a list came back cut) in pages.
 */
async function compareSpanRows(diff: IntegerDiff, spans: readonly IntSpan[], rows: number, into: RowDifferences): Promise<RowCounts> {
  const joined = joinSpans(spans);
  const total: RowCounts = { sourceRows: 0, targetRows: 0 };
  for (let i = 0; i < joined.length; i += SPANS_PER_QUERY) {
    const batch = joined.slice(i, i + SPANS_PER_QUERY);
    const where = (side: TableSide): string => spansSql(side.sql.keyList, batch);
    const counts = (rows <= diff.listAim.rows ? await compareDigestLists(diff.source, diff.target, where, into, diff.listAim) : undefined)
      ?? await compareRowsInKeyOrder(diff.source, diff.target, where, into);
    total.sourceRows += counts.sourceRows;
    total.targetRows += counts.targetRows;
  }
  diff.stats.rowsCompared += total.sourceRows + total.targetRows;
  return total;
}
