import type { RowDataPacket } from 'mysql2/promise';
import { keyString, type RowValue } from '../core/row-value.js';
import { mapWithLimit } from './async-pool.js';
import { bisect, type Bisection } from './diff-bisect.js';
import { DriftEstimate } from './diff-cost-model.js';
import { compareIntegerChunk, type IntegerDiff } from './diff-integer.js';
import type { IntSpan } from './diff-integer-spans.js';
import { addChunk, type DiffStats, type RowDifferences } from './diff-result.js';
import { keyRangeSql, type KeyRange } from './key-range.js';
import { compareRows, DIGEST_LIST_ROWS, singleIntegerKey, type RowCounts } from './leaf-compare.js';
import { hashRange, nextChunkEnd, sameHash } from './range-hasher.js';
import type { TableSide } from './table-side.js';

export interface DiffOptions {
  /** Rows per top-level chunk (hashed in both servers at once). */
  chunkRows: number;
  /** A mismatching range this small is compared row by row (per-row hashes). */
  leafRows: number;
  /** Sub-ranges a mismatching range is split into per bisection step (keys other than one integer column). */
  fanout: number;
  /** Mismatching sibling ranges bisected at once (per level; keys other than one integer column). */
  parallel?: number;
  /** Called after each top-level chunk with the source rows it covered. */
  onProgress?: (sourceRows: number) => void;
  /** Checked between chunks; when it returns true the walk stops early. */
  stopRequested?: () => boolean;
  /**
   * Called after each top-level chunk with the differences found so far; it may take them out of
   * the lists (to repair them while the walk goes on). Awaited: the walk waits for it.
   */
  afterChunk?: (differences: RowDifferences) => Promise<void>;
}

export type { DiffStats, RowDifferences } from './diff-result.js';

export const DEFAULT_DIFF_OPTIONS: DiffOptions = { chunkRows: 20_000, leafRows: 32, fanout: 16, parallel: 4 };

/**
 * Compares a table on two servers: chunk by key ranges, compare each chunk as the cost model plans
 * it (diff-cost-model.ts) with both servers queried at once, and return the keys that differ.
 * Single-column integer keys are chunked by value and hashed in buckets of the key itself
 * (diff-integer.ts); other keys are walked and bisected (diff-bisect.ts).
 */
export async function diffTable(source: TableSide, target: TableSide, options: DiffOptions = DEFAULT_DIFF_OPTIONS): Promise<{ differences: RowDifferences; stats: DiffStats }> {
  const differences: RowDifferences = { missing: [], extra: [], changed: [] };
  const stats: DiffStats = { sourceRows: 0, targetRows: 0, chunks: 0, chunksDiffering: 0, rowsCompared: 0, chunksRowByRow: 0 };

  const plan = await integerKeyChunks(source, target, options.chunkRows);
  if (plan !== undefined) {
    const diff: IntegerDiff = {
      source, target, chunkWidth: plan.width, rowsPerValue: plan.rowsPerValue,
      leafRows: options.leafRows, listAim: { rows: DIGEST_LIST_ROWS }, estimate: new DriftEstimate(), stats, differences,
    };
    // Known ranges need no walk over the key: a few chunks in flight keep both servers busy.
    await mapWithLimit(plan.chunks, CHUNKS_IN_FLIGHT, async (chunk) => {
      if (options.stopRequested?.() === true) return;
      const counts = await compareIntegerChunk(diff, chunk);
      options.onProgress?.(counts.sourceRows);
      await options.afterChunk?.(differences);
    });
    return { differences, stats };
  }

  const estimate = new DriftEstimate();
  const targetCap = TARGET_ROWS_PER_CHUNK * options.chunkRows;
  const compareChunk = async (range: KeyRange, rechunk: boolean): Promise<void> => {
    const found: RowDifferences = { missing: [], extra: [], changed: [] };
    let counts: RowCounts | undefined;
    if (estimate.planChunk() === 'rows') {
      counts = await compareRows(source, target, (side) => keyRangeSql(side.keyColumns, range), found, targetCap);
      if (counts !== undefined) {
        stats.chunksRowByRow++;
        stats.rowsCompared += counts.sourceRows + counts.targetRows;
      }
    }
    if (counts === undefined) {
      const [onSource, onTarget] = await Promise.all([hashRange(source, range), hashRange(target, range)]);
      // Chunks end at source keys, so rows only the target holds can crowd one (past the source's last
      // key, a range deleted on the source): such a chunk is walked again in chunks of the target's
      // keys, and no comparison or list of differences grows with them.
      if (rechunk && onTarget.count > targetCap) return walkChunks(target, range, false);
      counts = { sourceRows: onSource.count, targetRows: onTarget.count };
      const bisection: Bisection = { source, target, leafRows: options.leafRows, fanout: options.fanout, parallel: options.parallel ?? 1, stats, into: found };
      if (!sameHash(onSource, onTarget)) await bisect(bisection, range, onSource, onTarget, estimate.density);
    }
    const differing = addChunk(stats, differences, { ...counts, found });
    estimate.record({ rows: Math.max(counts.sourceRows, counts.targetRows), differences: differing });
    options.onProgress?.(counts.sourceRows);
    await options.afterChunk?.(differences);
  };

  /** Compares `within` chunk by chunk, each ending `chunkRows` rows of `driver` after the one before. */
  const walkChunks = async (driver: TableSide, within: KeyRange, rechunk: boolean): Promise<void> => {
    const rest = (after: readonly RowValue[] | undefined): KeyRange => ({ ...(after === undefined ? {} : { after }), ...(within.upTo === undefined ? {} : { upTo: within.upTo }) });
    let after = within.after;
    let nextEnd = nextChunkEnd(driver, rest(after), options.chunkRows);
    for (;;) {
      const end = await nextEnd;
      const range: KeyRange = end === undefined ? rest(after) : { ...(after === undefined ? {} : { after }), upTo: end };
      // A chunk ending on the outer range's own end is its last (past it the walk would find nothing).
      const last = end === undefined || (within.upTo !== undefined && keyString(end) === keyString(within.upTo));
      if (!last) {
        nextEnd = nextChunkEnd(driver, rest(end), options.chunkRows);
        nextEnd.catch(() => undefined); // awaited on the next turn; this only keeps an early failure from going unhandled
      }
      if (options.stopRequested?.() === true) return;
      await compareChunk(range, rechunk);
      if (last) return;
      after = end;
    }
  };

  await walkChunks(source, {}, true);
  return { differences, stats };
}

const CHUNKS_IN_FLIGHT = 2;
/** A chunk holding more target rows than this many chunks' worth is walked again by the target's keys. */
const TARGET_ROWS_PER_CHUNK = 4;

interface IntegerChunks {
  chunks: IntSpan[];
  /** Key values per chunk. */
  width: bigint;
  rowsPerValue: number;
}

/**
 * Chunks of a single-column integer key by value: (min, max) over both servers split into ranges of
 * equal width, about `chunkRows` rows each by the source's row estimate, the first and last open-ended
 * so no row outside [min, max] escapes. Undefined for other keys (they are walked instead).
 */
async function integerKeyChunks(source: TableSide, target: TableSide, chunkRows: number): Promise<IntegerChunks | undefined> {
  if (!singleIntegerKey(source) || !singleIntegerKey(target)) return undefined;
  const [a, b] = await Promise.all([keyBounds(source), keyBounds(target)]);
  const bounds = [a, b].filter((x): x is { min: bigint; max: bigint } => x !== undefined);
  if (bounds.length === 0) return { chunks: [{}], width: BigInt(chunkRows), rowsPerValue: 1 };
  const min = bounds.reduce((m, x) => (x.min < m ? x.min : m), bounds[0]?.min ?? 0n);
  const max = bounds.reduce((m, x) => (x.max > m ? x.max : m), bounds[0]?.max ?? 0n);
  // The server's row estimate can be 0 right after a bulk load; then assume dense keys (the span).
  const span = max - min + 1n;
  const estimated = BigInt(Math.max(source.schema.rowsEstimate ?? 0, target.schema.rowsEstimate ?? 0));
  const rows = estimated > 0n && estimated < span ? estimated : span;
  // Sparse keys with no estimate (span ~2^64) must not turn into billions of ranges: past the cap a
  // range simply holds more rows, and the buckets split the ones that differ.
  const chunks = min64(rows / BigInt(chunkRows) + 1n, MAX_CHUNKS);
  const width = (max - min) / chunks + 1n;
  const ranges: IntSpan[] = [];
  for (let start = min - 1n; start < max; start += width) {
    const end = start + width;
    ranges.push({ ...(ranges.length === 0 ? {} : { lo: start + 1n }), ...(end >= max ? {} : { hi: end }) });
    if (end >= max) break;
  }
  return { chunks: ranges, width, rowsPerValue: Number(rows) / Number(span) };
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
