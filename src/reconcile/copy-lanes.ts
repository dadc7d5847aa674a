import type { RowDataPacket } from 'mysql2/promise';
import { columnClass } from '../core/column-class.js';
import type { TableSide } from './table-side.js';

/**
 * A part of a table one copy lane reads: a span of a single integer key, read in pages by value
 * (`after` < key <= `upTo`, each end open when it is the table's edge so that no row escapes), or
 * the whole table walked in key order (any other key).
 */
export type CopyLane =
  | { kind: 'integer'; after: bigint; upTo: bigint; openBelow: boolean; openAbove: boolean; rowsEstimate: number }
  | { kind: 'keyset' };

/** Below this many rows a table is copied by one lane: more lanes only add queries. */
const MIN_ROWS_PER_LANE = 50_000;

/**
 * Splits a table into at most `lanes` lanes. A single integer key is split by value into spans of
 * equal width between the source's MIN and MAX; any other key is one keyset lane. An empty source
 * table has no lanes.
 */
export async function planCopyLanes(source: TableSide, lanes: number): Promise<CopyLane[]> {
  const [key] = source.keyColumns;
  if (source.keyColumns.length !== 1 || key === undefined || columnClass(key) !== 'integer') return [{ kind: 'keyset' }];
  const [rows] = await source.pool.query<RowDataPacket[]>(`SELECT MIN(${source.sql.keyList}) AS lo, MAX(${source.sql.keyList}) AS hi FROM ${source.from}`);
  const bounds = rows[0];
  if (bounds?.lo === null || bounds?.lo === undefined) return [];
  const min = BigInt(String(bounds.lo));
  const max = BigInt(String(bounds.hi));
  const span = max - min + 1n;
  const estimate = source.schema.rowsEstimate !== undefined && source.schema.rowsEstimate > 0 ? source.schema.rowsEstimate : Number(span);
  const count = BigInt(Math.max(1, Math.min(lanes, Math.floor(estimate / MIN_ROWS_PER_LANE))));
  const width = (span + count - 1n) / count;
  const plan: CopyLane[] = [];
  for (let after = min - 1n; after < max; after += width) {
    const upTo = after + width >= max ? max : after + width;
    plan.push({ kind: 'integer', after, upTo, openBelow: plan.length === 0, openAbove: upTo === max, rowsEstimate: Math.ceil(estimate / Number(count)) });
  }
  return plan;
}
