import type { RowDataPacket } from 'mysql2/promise';
import type { Row, RowValue } from '../core/row-value.js';
import { exactValueSql } from './canonical-row-sql.js';
import { keyInSql, keyRangeSql, type KeyRange } from './key-range.js';
import { valuesTupleSql } from './tuple-sql.js';
import type { TableSide } from './table-side.js';

/** SELECT list reading every compared column exactly, under positional aliases c0..cn. */
function selectList(side: TableSide): string {
  return side.columns.map((c, i) => `${exactValueSql(c, side.flavour)} AS c${i}`).join(', ');
}

function toRow(side: TableSide, packet: RowDataPacket): Row {
  const row: Row = {};
  side.columns.forEach((c, i) => {
    row[c.name] = packet[`c${i}`] as RowValue;
  });
  return row;
}

/** Full rows for a set of keys, read in batches of `batch` keys. */
export async function fetchRowsByKeys(side: TableSide, keys: ReadonlyArray<readonly RowValue[]>, batch = 500): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < keys.length; i += batch) {
    const slice = keys.slice(i, i + batch);
    const [result] = await side.pool.query<RowDataPacket[]>(`SELECT ${selectList(side)} FROM ${side.from} WHERE ${keyInSql(side.keyColumns, slice)}`);
    for (const packet of result) rows.push(toRow(side, packet));
  }
  return rows;
}

/** Which of these keys exist on a side (used to confirm a row is really absent before deleting). */
export async function existingKeys(side: TableSide, keys: ReadonlyArray<readonly RowValue[]>, batch = 1000): Promise<RowValue[][]> {
  const found: RowValue[][] = [];
  for (let i = 0; i < keys.length; i += batch) {
    const slice = keys.slice(i, i + batch);
    const [result] = await side.pool.query<RowDataPacket[]>(`SELECT ${side.sql.keySelect} FROM ${side.from} WHERE ${keyInSql(side.keyColumns, slice)}`);
    for (const packet of result) found.push(side.keyColumns.map((_, k) => packet[`k${k}`] as RowValue));
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
    // A tuple holding hex literals may come back as bytes; it is ASCII and utf8mb4 text either way.
    const tuples = result.map((packet) => {
      const value = packet._scsc_tuple as string | Buffer;
      return typeof value === 'string' ? value : value.toString('utf8');
    });
    yield tuples;
    const last = result[result.length - 1] as RowDataPacket;
    after = side.keyColumns.map((_, k) => last[`k${k}`] as RowValue);
    if (result.length < pageRows) return;
    seenRows += tuples.length;
    seenBytes += tuples.reduce((sum, t) => sum + t.length, 0);
    pageRows = Math.max(1, Math.min(maxRows, Math.floor(maxBytes / Math.max(1, seenBytes / seenRows))));
  }
}
