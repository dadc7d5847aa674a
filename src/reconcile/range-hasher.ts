import type { RowDataPacket } from 'mysql2/promise';
import type { RowValue } from '../core/row-value.js';
import { keyRangeSql, type KeyRange } from './key-range.js';
import { keyOf, type TableSide } from './table-side.js';

export interface RangeHash {
  count: number;
  /** BIT_XOR of the 64-bit row hashes, as decimal text ('0' for no rows). */
  hash: string;
}

export const EMPTY_HASH: RangeHash = { count: 0, hash: '0' };

export function sameHash(a: RangeHash, b: RangeHash): boolean {
  return a.count === b.count && a.hash === b.hash;
}

async function rows(side: TableSide, sql: string): Promise<RowDataPacket[]> {
  const [result] = await side.pool.query<RowDataPacket[]>({ sql, rowsAsArray: false });
  return result;
}

/** Row count and combined hash of a key range, computed inside the server. */
export async function hashRange(side: TableSide, range: KeyRange): Promise<RangeHash> {
  const [row] = await rows(side, `SELECT COUNT(*) AS n, BIT_XOR(${side.sql.rowHash}) AS h FROM ${side.from} WHERE ${keyRangeSql(side.keyColumns, range)}`);
  return { count: Number(row?.n ?? 0), hash: String(row?.h ?? '0') };
}

/**
 * Hashes of the sub-ranges of `range` split at `boundaries` (ascending keys, each the inclusive end
 * of a bucket), in one GROUP BY query: boundaries.length + 1 results.
 */
export async function bucketHashes(side: TableSide, range: KeyRange, boundaries: ReadonlyArray<readonly RowValue[]>): Promise<RangeHash[]> {
  const cases = boundaries.map((b, i) => `WHEN ${keyRangeSql(side.keyColumns, { upTo: b })} THEN ${i}`).join(' ');
  const bucket = boundaries.length === 0 ? '0' : `CASE ${cases} ELSE ${boundaries.length} END`;
  // GROUP BY 1, not the alias: GROUP BY resolves a name to a table column before a select alias, so
  // `GROUP BY b` on a table with a column b would group by that column.
  const result = await rows(side, `SELECT ${bucket} AS _scsc_bucket, COUNT(*) AS n, BIT_XOR(${side.sql.rowHash}) AS h FROM ${side.from}
    WHERE ${keyRangeSql(side.keyColumns, range)} GROUP BY 1`);
  const hashes: RangeHash[] = Array.from({ length: boundaries.length + 1 }, () => EMPTY_HASH);
  for (const row of result) hashes[Number(row._scsc_bucket)] = { count: Number(row.n), hash: String(row.h) };
  return hashes;
}

/** Keys splitting a range of `count` rows into about `parts` equal parts (window function, one scan). */
export async function splitKeys(side: TableSide, range: KeyRange, count: number, parts: number): Promise<RowValue[][]> {
  const step = Math.max(1, Math.ceil(count / parts));
  const aliases = side.keyColumns.map((_, i) => `k${i}`).join(', ');
  const result = await rows(side, `SELECT ${aliases} FROM (SELECT ${side.sql.keySelect}, ROW_NUMBER() OVER (ORDER BY ${side.sql.keyList}) AS rn
    FROM ${side.from} WHERE ${keyRangeSql(side.keyColumns, range)}) q WHERE rn % ${step} = 0 AND rn < ${count} ORDER BY rn`);
  return result.map((row) => keyOf(side, row));
}

/**
 * The key `size` rows into `within` in key order (its first row counts as 1): the inclusive end of
 * the next chunk, or undefined when `within` holds fewer rows.
 */
export async function nextChunkEnd(side: TableSide, within: KeyRange, size: number): Promise<RowValue[] | undefined> {
  const result = await rows(side, `SELECT ${side.sql.keySelect} FROM ${side.from} WHERE ${keyRangeSql(side.keyColumns, within)}
    ORDER BY ${side.sql.keyList} LIMIT 1 OFFSET ${size - 1}`);
  const row = result[0];
  return row === undefined ? undefined : keyOf(side, row);
}
