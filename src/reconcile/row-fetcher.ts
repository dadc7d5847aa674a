import type { RowDataPacket } from 'mysql2/promise';
import type { RowValue } from '../core/row-value.js';
import { mapWithLimit } from './async-pool.js';
import { keyInSql, keyRangeSql, type KeyRange } from './key-range.js';
import { valuesTupleSql } from './tuple-sql.js';
import { keyOf, type TableSide } from './table-side.js';

/**
 * The source's rows for a set of keys, rendered by the server as VALUES tuples in side.columns order
 * (see tuple-sql.ts), read in batches of `batch` keys, two batches at once.
 */
export async function fetchTuplesByKeys(side: TableSide, keys: ReadonlyArray<readonly RowValue[]>, batch = 1000): Promise<string[]> {
  const slices: Array<ReadonlyArray<readonly RowValue[]>> = [];
  for (let i = 0; i < keys.length; i += batch) slices.push(keys.slice(i, i + batch));
  return (await mapWithLimit(slices, 2, (slice) => fetchTuples(side, slice))).flat();
}

/** The rows of these keys as VALUES tuples, in one query. */
export async function fetchTuples(side: TableSide, keys: ReadonlyArray<readonly RowValue[]>): Promise<string[]> {
  if (keys.length === 0) return [];
  const [result] = await side.pool.query<RowDataPacket[]>(`SELECT ${valuesTupleSql(side.columns, side.flavour)} AS _scsc_tuple FROM ${side.from} WHERE ${keyInSql(side.keyColumns, keys)}`);
  return result.map(tupleText);
}

/** A tuple holding hex literals may come back as bytes; it is ASCII and utf8mb4 text either way. */
function tupleText(packet: RowDataPacket): string {
  const value = packet._scsc_tuple as string | Buffer;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Which of these keys exist on a side (used to confirm a row is really absent before deleting). */
export async function existingKeys(side: TableSide, keys: ReadonlyArray<readonly RowValue[]>, batch = 1000): Promise<RowValue[][]> {
  const found: RowValue[][] = [];
  for (let i = 0; i < keys.length; i += batch) {
    const slice = keys.slice(i, i + batch);
    const [result] = await side.pool.query<RowDataPacket[]>(`SELECT ${side.sql.keySelect} FROM ${side.from} WHERE ${keyInSql(side.keyColumns, slice)}`);
    for (const packet of result) found.push(keyOf(side, packet));
  }
  return found;
}

/**
 * The bulk-copy reader: a key range page by page in key order (keyset pagination), each row rendered
 * by the server as a VALUES tuple (see tuple-sql.ts). Pages are sized to about `maxBytes` of tuple
 * text from the rows seen so far, starting small.
 */
export async function* readTuplePages(side: TableSide, range: KeyRange, maxRows: number, maxBytes = 8 << 20): AsyncGenerator<string[]> {
  const tuple = valuesTupleSql(side.columns, side.flavour);
  let after = range.after;
  let pageRows = Math.min(maxRows, 256);
  let seenRows = 0;
  let seenBytes = 0;
  for (;;) {
    const page: KeyRange = { ...(after === undefined ? {} : { after }), ...(range.upTo === undefined ? {} : { upTo: range.upTo }) };
    const [result] = await side.pool.query<RowDataPacket[]>(`SELECT ${tuple} AS _scsc_tuple, ${side.sql.keySelect} FROM ${side.from}
      WHERE ${keyRangeSql(side.keyColumns, page)} ORDER BY ${side.sql.keyList} LIMIT ${pageRows}`);
    if (result.length === 0) return;
    const tuples = result.map(tupleText);
    yield tuples;
    const last = result[result.length - 1] as RowDataPacket;
    after = keyOf(side, last);
    if (result.length < pageRows) return;
    seenRows += tuples.length;
    seenBytes += tuples.reduce((sum, t) => sum + t.length, 0);
    pageRows = Math.max(1, Math.min(maxRows, Math.floor(maxBytes / Math.max(1, seenBytes / seenRows))));
  }
}
