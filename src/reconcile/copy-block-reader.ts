import type { PoolConnection, RowDataPacket, TypeCast } from 'mysql2/promise';
import type { RowValue } from '../core/row-value.js';
import type { CopyLane } from './copy-lanes.js';
import { keyRangeSql, type KeyRange } from './key-range.js';
import { keyOf, type TableSide } from './table-side.js';

/** Rows of the source as one piece of text the source server rendered (LOAD DATA lines, or a VALUES list). */
export interface CopyBlock {
  data: Buffer;
  rows: number;
  /** The key range read; a lane's blocks come in key order, their ranges never overlap. */
  range: KeyRange;
}

export interface BlockShape {
  /** SQL for one row's text, and the SQL literal put between rows. */
  rowSql: string;
  separator: string;
  /** Aimed-for size of a block; pages adapt to the bytes per key (or row) seen so far. */
  blockBytes: number;
  /** A block of several rows over either limit is read again in smaller pages. */
  maxBytes: number;
  maxRows: number;
}

const blockTypeCast: TypeCast = (field, next) => (field.name === '_scsc_block' ? field.buffer() : next());

/**
 * Reads a lane's rows as blocks the source server renders, one GROUP_CONCAT per page, on a source
 * connection whose group_concat_max_len the caller has raised. A single integer key is paged by
 * value, any other key by walking it (the key `n` rows ahead ends the page).
 */
export function readCopyBlocks(connection: PoolConnection, side: TableSide, lane: CopyLane, shape: BlockShape): AsyncGenerator<CopyBlock> {
  return lane.kind === 'integer' ? integerPages(connection, side, lane, shape) : keysetPages(connection, side, shape);
}

/**
 * One page as one block. GROUP_CONCAT silently cuts its result at group_concat_max_len, which the
 * same statement reports: a block that long may have been cut and is never used. (Another user of
 * the connection may change the setting; this statement's own value is what counts.) A block of
 * several rows over the limits is not used either. `aim` follows the reported cut-off.
 */
async function readBlock(connection: PoolConnection, side: TableSide, range: KeyRange, shape: BlockShape, aim: { bytes: number }): Promise<CopyBlock | 'too-long'> {
  const sql = `SELECT GROUP_CONCAT(${shape.rowSql} SEPARATOR ${shape.separator}) AS _scsc_block, COUNT(*) AS _scsc_rows,
    @@session.group_concat_max_len AS _scsc_cap FROM ${side.from} WHERE ${keyRangeSql(side.keyColumns, range)}`;
  const [rows] = await connection.query<RowDataPacket[]>({ sql, typeCast: blockTypeCast });
  const row = rows[0];
  const count = Number(row?._scsc_rows ?? 0);
  const data = (row?._scsc_block ?? null) as Buffer | null;
  const cap = Number(row?._scsc_cap ?? 0);
  aim.bytes = Math.max(1, Math.min(shape.blockBytes, Math.floor(cap / 4)));
  if (count === 0) return { data: Buffer.alloc(0), rows: 0, range };
  if (data === null || data.length >= cap - 4) return 'too-long';
  if (count > 1 && (data.length > shape.maxBytes || count > shape.maxRows)) return 'too-long';
  return { data, rows: count, range };
}

/** How much larger the next page should be (0.25 to 4 times) to come near the aimed-for size. */
function growth(block: CopyBlock, shape: BlockShape, aim: { bytes: number }): number {
  if (block.rows === 0) return 4;
  return Math.min(4, Math.max(0.25, Math.min(aim.bytes / block.data.length, shape.maxRows / block.rows)));
}

function tooLong(side: TableSide): Error {
  return new Error(`a row of ${side.from} is longer than the source's max_allowed_packet (and group_concat_max_len) allow to read in one piece: raise max_allowed_packet on the source`);
}

type IntegerLane = Extract<CopyLane, { kind: 'integer' }>;

async function* integerPages(connection: PoolConnection, side: TableSide, lane: IntegerLane, shape: BlockShape): AsyncGenerator<CopyBlock> {
  // Start with pages of about 1,000 rows by the lane's row estimate, then follow the bytes seen.
  let width = maxBig(1n, ((lane.upTo - lane.after) * 1000n) / BigInt(Math.max(1, lane.rowsEstimate)));
  let after = lane.after;
  const aim = { bytes: shape.blockBytes };
  while (after < lane.upTo) {
    const upTo = after + width >= lane.upTo ? lane.upTo : after + width;
    const range: KeyRange = {
      ...(after === lane.after && lane.openBelow ? {} : { after: [after.toString()] }),
      ...(upTo === lane.upTo && lane.openAbove ? {} : { upTo: [upTo.toString()] }),
    };
    const block = await readBlock(connection, side, range, shape, aim);
    if (block === 'too-long') {
      if (width === 1n) throw tooLong(side);
      width = maxBig(1n, width / 4n);
      continue;
    }
    if (block.rows > 0) yield block;
    width = maxBig(1n, BigInt(Math.floor(Number(upTo - after) * growth(block, shape, aim))));
    after = upTo;
  }
}

async function* keysetPages(connection: PoolConnection, side: TableSide, shape: BlockShape): AsyncGenerator<CopyBlock> {
  let after: RowValue[] | undefined;
  let pageRows = Math.min(1000, shape.maxRows);
  const aim = { bytes: shape.blockBytes };
  for (;;) {
    const from: KeyRange = after === undefined ? {} : { after };
    const [ends] = await connection.query<RowDataPacket[]>(`SELECT ${side.sql.keySelect} FROM ${side.from} WHERE ${keyRangeSql(side.keyColumns, from)}
      ORDER BY ${side.sql.keyList} LIMIT 1 OFFSET ${pageRows - 1}`);
    const end = ends[0] === undefined ? undefined : keyOf(side, ends[0]);
    const block = await readBlock(connection, side, { ...from, ...(end === undefined ? {} : { upTo: end }) }, shape, aim);
    if (block === 'too-long') {
      if (pageRows === 1) throw tooLong(side);
      pageRows = Math.max(1, Math.floor(pageRows / 4));
      continue;
    }
    if (block.rows > 0) yield block;
    if (end === undefined) return;
    after = end;
    pageRows = Math.max(1, Math.min(100_000, shape.maxRows, Math.floor(pageRows * growth(block, shape, aim))));
  }
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
