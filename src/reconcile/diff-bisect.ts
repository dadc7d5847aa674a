import { mapWithLimit } from './async-pool.js';
import { DENSE_DRIFT, densityFromBuckets, rowsPerBucket } from './diff-cost-model.js';
import type { DiffStats, RowDifferences } from './diff-result.js';
import { keyRangeSql, type KeyRange } from './key-range.js';
import { compareRows } from './leaf-compare.js';
import { bucketHashes, sameHash, splitKeys, type RangeHash } from './range-hasher.js';
import type { TableSide } from './table-side.js';

export interface Bisection {
  source: TableSide;
  target: TableSide;
  leafRows: number;
  fanout: number;
  parallel: number;
  stats: DiffStats;
  into: RowDifferences;
}

/**
 * Splits a mismatching key range into `fanout` sub-ranges at keys of the larger side (one window
 * query), hashes them with one GROUP BY per side and goes on with the ones that differ. A differing
 * sub-range is compared row by row once it is small, or once the share of sub-ranges that differ
 * shows drift so dense that its rows are cheaper to compare than to bisect (see diff-cost-model.ts).
 */
export async function bisect(b: Bisection, range: KeyRange, onSource: RangeHash, onTarget: RangeHash, density = 0): Promise<void> {
  const larger = Math.max(onSource.count, onTarget.count);
  // A range that differs holds at least one difference.
  const atLeast = Math.max(density, 1 / Math.max(1, larger));
  if (larger <= b.leafRows || atLeast >= DENSE_DRIFT || larger <= 2 * rowsPerBucket(atLeast)) return compareRange(b, range);
  const splitter = onSource.count >= onTarget.count ? b.source : b.target;
  const keys = await splitKeys(splitter, range, larger, b.fanout);
  if (keys.length === 0) return compareRange(b, range);
  const [bySource, byTarget] = await Promise.all([bucketHashes(b.source, range, keys), bucketHashes(b.target, range, keys)]);
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
  const parts = keys.length + 1;
  const differingRows = differing.reduce((sum, d) => sum + Math.max(d.s.count, d.t.count), 0);
  const inside = Math.min(1, (densityFromBuckets(differing.length, parts, larger / parts) * larger) / Math.max(1, differingRows));
  // Sibling ranges are independent: bisect a few at once (each level multiplies, the pool queues the rest).
  await mapWithLimit(differing, b.parallel, ({ sub, s, t }) => bisect(b, sub, s, t, inside));
}

async function compareRange(b: Bisection, range: KeyRange): Promise<void> {
  const counts = await compareRows(b.source, b.target, (side) => keyRangeSql(side.keyColumns, range), b.into);
  if (counts !== undefined) b.stats.rowsCompared += counts.sourceRows + counts.targetRows;
}
