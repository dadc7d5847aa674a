import { spansSql, type IntSpan } from './diff-integer-spans.js';
import type { RowCounts } from './leaf-compare.js';
import type { TableSide } from './table-side.js';

/** Rows of a range on one side: their count, the BIT_XOR of their hashes and their smallest and largest key. */
export interface KeysHash {
  count: number;
  hash: string;
  min?: bigint;
  max?: bigint;
}

export interface BucketComparison {
  counts: RowCounts;
  /** Buckets holding rows on either side. */
  buckets: number;
  /** The key span and the larger side's row count of every bucket that differs, in key order. */
  differing: Array<{ span: IntSpan; rows: number }>;
}

/**
 * Hashes spans of an integer key in buckets `key >> shift` on both servers at once and compares
 * them. A bucket comes back as one text, `count hash bucket min max`, so equal buckets are equal
 * texts and only the differing ones are taken apart.
 */
export async function compareBuckets(source: TableSide, target: TableSide, spans: readonly IntSpan[], shift: number): Promise<BucketComparison> {
  const [onSource, onTarget] = await Promise.all([bucketTexts(source, spans, shift), bucketTexts(target, spans, shift)]);
  const sourceSet = new Set(onSource);
  const targetSet = new Set(onTarget);
  const counts: RowCounts = { sourceRows: 0, targetRows: 0 };
  const differing = new Map<string, { s?: KeysHash; t?: KeysHash }>();
  const note = (text: string, side: 's' | 't'): void => {
    const [count, hash, bucket, min, max] = text.split(' ') as [string, string, string, string, string];
    const entry = differing.get(bucket) ?? {};
    entry[side] = { count: Number(count), hash, min: BigInt(min), max: BigInt(max) };
    differing.set(bucket, entry);
  };
  for (const text of onSource) {
    counts.sourceRows += parseInt(text, 10);
    if (!targetSet.has(text)) note(text, 's');
  }
  for (const text of onTarget) {
    counts.targetRows += parseInt(text, 10);
    if (!sourceSet.has(text)) note(text, 't');
  }
  let targetOnly = 0;
  const spansOf: Array<{ span: IntSpan; rows: number }> = [];
  for (const { s, t } of differing.values()) {
    if (s === undefined) targetOnly++;
    spansOf.push({ span: keysHeld(s, t), rows: Math.max(s?.count ?? 0, t?.count ?? 0) });
  }
  // Both ends are set: every differing bucket holds rows on at least one side.
  spansOf.sort((a, b) => ((a.span.lo as bigint) < (b.span.lo as bigint) ? -1 : 1));
  return { counts, buckets: onSource.length + targetOnly, differing: spansOf };
}

async function bucketTexts(side: TableSide, spans: readonly IntSpan[], shift: number): Promise<string[]> {
  const key = side.sql.keyList;
  const [rows] = await side.pool.query({
    sql: `SELECT CONCAT_WS(' ', COUNT(*), BIT_XOR(${side.sql.rowHash}), ${key} >> ${shift}, MIN(${key}), MAX(${key})) FROM ${side.from}
      WHERE ${spansSql(key, spans)} GROUP BY ${key} >> ${shift} ORDER BY NULL`,
    rowsAsArray: true,
  });
  return (rows as Array<[string]>).map((row) => row[0]);
}

/** Count, hash and key bounds of spans on one side, in one query. */
export async function hashSpans(side: TableSide, spans: readonly IntSpan[]): Promise<KeysHash> {
  const key = side.sql.keyList;
  const [rows] = await side.pool.query({ sql: `SELECT COUNT(*), BIT_XOR(${side.sql.rowHash}), MIN(${key}), MAX(${key}) FROM ${side.from} WHERE ${spansSql(key, spans)}`, rowsAsArray: true });
  const [row] = rows as Array<[string, string | null, string | null, string | null]>;
  if (row === undefined) return { count: 0, hash: '0' };
  const [count, hash, min, max] = row;
  return { count: Number(count), hash: hash ?? '0', ...(min === null ? {} : { min: BigInt(min) }), ...(max === null ? {} : { max: BigInt(max) }) };
}

/**
 * The keys both sides' rows of a range lie between: the span the next step looks at. Far tighter
 * than the range itself when the keys sit in clusters (a bucket of 2^40 values holding 5,000 rows).
 */
export function keysHeld(a: KeysHash | undefined, b: KeysHash | undefined): IntSpan {
  const mins = [a?.min, b?.min].filter((x): x is bigint => x !== undefined);
  const maxes = [a?.max, b?.max].filter((x): x is bigint => x !== undefined);
  return {
    lo: mins.reduce((m, x) => (x < m ? x : m), mins[0] ?? 0n),
    hi: maxes.reduce((m, x) => (x > m ? x : m), maxes[0] ?? 0n),
  };
}
