import type { RowImage } from '../core/change-event.js';
import { ScscError } from '../core/scsc-error.js';
import { columnClass, type ColumnClass } from '../core/column-class.js';
import type { RowValue } from '../core/row-value.js';
import type { ColumnSchema, TableSchema } from '../core/table-schema.js';
import { literalWriter } from '../mysql/sql-literal.js';
import { columnLiteral, columnReader, columnWidth, type ColumnWidth, type Cursor, type ReadColumn, type ReadLiteral } from './binlog-column-reader.js';
import { columnRules, patchTableEntry, toRowImage, type ZongjiColumn, type ZongjiColumnSchema, type ZongjiTableEntry } from './binlog-row-decoder.js';

/** zongji's packet reader, as its row events hand it over. */
interface ZongjiParser {
  _buffer: Buffer;
  _offset: number;
  _packetEnd: number;
}

export interface RowReaderTableEntry extends ZongjiTableEntry {
  [READER]?: CompiledRow;
}

interface RowsEventThis {
  tableMap: Record<number, RowReaderTableEntry | undefined>;
  tableId: number;
  columns_present_bitmap: Buffer;
  columns_present_bitmap2?: Buffer;
  rows?: unknown[];
  /** Binlog bytes of the row images read so far (see rowImageBytes). */
  scscRowBytes?: number;
  /** The event's rows, copied once for the PackedRows read from it (see packedOrRead). */
  scscRows?: { buf: Buffer; base: number };
}

type FetchRow = (this: RowsEventThis, parser: ZongjiParser) => unknown;

interface CompiledRow {
  table: TableSchema | undefined;
  /** Undefined when a column needs zongji's decoder: the table's rows are then read by zongji and converted. */
  read: ReadColumn[] | undefined;
  /** Reads an image with every column present (binlog_row_image=FULL) into one object literal. */
  full?: FullImageReader;
  /** Steps over such an image without reading it (PackedRow reads it later). */
  skip?: FullImageSkipper;
  /** With skip: what PackedRow's key and tuple readers are made of, per column. */
  columns?: {
    names: readonly string[];
    widths: readonly ColumnWidth[];
    kinds: readonly ColumnClass[];
    literals: ReadonlyArray<ReadLiteral | undefined>;
  };
  /** PackedRow's readers for each target table its rows were written to. */
  writers?: WeakMap<RowTarget, RowWriter>;
}

/** The target table a PackedRow is written to (sink/target-table.ts's TargetTable). */
export interface RowTarget {
  keyColumns: readonly ColumnSchema[];
  /** Written columns by lower-case name. */
  writable: ReadonlyMap<string, ColumnSchema>;
}

/** Readers of one table's full images for one target table. */
interface RowWriter {
  /** The target columns a tuple holds, in its order. */
  columns: readonly ColumnSchema[];
  key: (cursor: Cursor) => RowValue[];
  tuple: (cursor: Cursor) => string;
}

type FullImageReader = (cursor: Cursor, read: ReadColumn[]) => RowImage;
type FullImageSkipper = (cursor: Cursor) => void;

/**
 * A full row image not read yet: where it lies in its event's bytes. Queued changes keep these
 * instead of row objects (the bytes sit outside the JS heap, so the garbage collector does not copy
 * them while a change waits in a lane); image() reads it when the change is applied.
 */
export class PackedRow {
  constructor(
    private readonly buf: Buffer,
    private readonly at: number,
    private readonly end: number,
    private readonly compiled: CompiledRow,
  ) {}

  /** The row image, read anew on each call. */
  image(): RowImage {
    return this.read((c) => (this.compiled.full as FullImageReader)(c, this.compiled.read as ReadColumn[]));
  }

  /**
   * The values of the target's key columns as the statements find them in image() (by exact name,
   * else case-insensitively; null when absent), without reading the other columns.
   */
  key(target: RowTarget): RowValue[] {
    return this.read(rowWriter(this.compiled, target).key);
  }

  /** The `(v1, v2, ...)` VALUES tuple of the target's writable columns, each as sqlLiteral() writes image()'s value. */
  tuple(target: RowTarget): string {
    return this.read(rowWriter(this.compiled, target).tuple);
  }

  /** The target columns tuple() writes, in its order. */
  tupleColumns(target: RowTarget): readonly ColumnSchema[] {
    return rowWriter(this.compiled, target).columns;
  }

  /** Rows of one shape have the same columns (their tuples for one target, the same column list). */
  get shape(): object {
    return this.compiled;
  }

  private read<T>(reader: (cursor: Cursor) => T): T {
    const c = cursor;
    c.buf = this.buf;
    c.at = this.at;
    let value: T;
    try {
      value = reader(c);
    } finally {
      c.buf = EMPTY;
    }
    const end = c.at;
    if (end !== this.end) {
      throw new ScscError('BINLOG_UNREADABLE', `a row image of ${this.compiled.table?.name ?? 'a table'} read ${end - this.at} bytes where its layout says ${this.end - this.at}: scsc's binlog reader disagrees with itself`, {
        fix: 'report this as a bug with the table\'s definition; until fixed, exclude the table (--exclude) and repair it with scsc reconcile --repair',
      });
    }
    return value;
  }
}

/* Global symbols: a second copy of this module (bundle and sources in one process) reads the same entries and knows the same readers. */
const READER = Symbol.for('scsc.binlogRowReader');
const OURS = Symbol.for('scsc.binlogRowReader.fetch');
/** zongji's own row readers, by the prototype that held them (RowsEvent's, UpdateRows'). */
const zongjiFetch = new Map<object, FetchRow>();

/**
 * scsc reads row images itself instead of zongji's per-value decoding: straight from the event's
 * bytes into scsc's exact forms (text for numbers and times, bytes for binary), without zongji's
 * intermediate JS values and the conversion after them. It covers the types most tables use
 * (integers, FLOAT/DOUBLE, DECIMAL, DATE, DATETIME2, TIMESTAMP2, TIME2, YEAR, BIT, ENUM, SET,
 * CHAR/VARCHAR/TEXT/BLOB/JSON-as-text, BINARY/VARBINARY, UUID, INET4/6, GEOMETRY bytes); a table with
 * any other column (MySQL's binary JSON, compressed columns, MariaDB's pre-10.0 temporals, VECTOR) is
 * read by zongji and converted by toRowImage as before. Output is value for value what that path
 * gives.
 *
 * zongji reads a row image in one method, RowsEvent._fetchOneRow (UpdateRows has its own for the
 * before/after pair); it is not exported, so the first row event of each kind is converted the old
 * way and its class is switched to scsc's reader for every event after it. zongji is pinned to an
 * exact version for this reason.
 */
export function adoptRowsEvent(event: object, kind: 'insert' | 'update' | 'delete', table: TableSchema | undefined): void {
  let owner = Object.getPrototypeOf(event) as Record<string | symbol, unknown> | null;
  while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, '_fetchOneRow')) owner = Object.getPrototypeOf(owner) as Record<string | symbol, unknown> | null;
  const original = owner?._fetchOneRow;
  if (owner === null || typeof original !== 'function' || OURS in original) {
    throw new ScscError('INTERNAL', 'the installed @vlasky/zongji is not the version scsc reads rows with (no RowsEvent._fetchOneRow); reinstall with npm ci');
  }
  zongjiFetch.set(owner, original as FetchRow);
  owner._fetchOneRow = kind === 'update' ? fetchOneUpdate : fetchOneRow;
  const rowsEvent = event as RowsEventThis;
  // The table as prepareRowReader took it for this table map (tableAsLogged), when it did.
  const logged = rowsEvent.tableMap[rowsEvent.tableId]?.[READER]?.table ?? table;
  for (const row of rowsEvent.rows ?? []) {
    if (kind === 'update') convertedPair(row as ZongjiPair, rowsEvent, logged);
    else converted(row as Record<string, unknown>, rowsEvent, rowsEvent.columns_present_bitmap, logged);
  }
}

/** Whether a row event's rows were read by scsc's reader (else adoptRowsEvent converts them). */
export function readByScsc(event: object): boolean {
  const fetch = (event as { _fetchOneRow?: unknown })._fetchOneRow;
  return typeof fetch === 'function' && OURS in fetch;
}

function fetchOneRow(this: RowsEventThis, parser: ZongjiParser): RowImage | PackedRow {
  const start = parser._offset;
  const compiled = this.tableMap[this.tableId]?.[READER];
  const row = compiled?.read === undefined
    ? converted(zongjiRow(this, parser) as Record<string, unknown>, this, this.columns_present_bitmap, compiled?.table)
    : packedOrRead(parser, this, this.columns_present_bitmap, compiled);
  this.scscRowBytes = (this.scscRowBytes ?? 0) + parser._offset - start;
  return row;
}

function fetchOneUpdate(this: RowsEventThis, parser: ZongjiParser): { before: RowImage | PackedRow; after: RowImage | PackedRow } {
  const start = parser._offset;
  const compiled = this.tableMap[this.tableId]?.[READER];
  const pair = compiled?.read === undefined
    ? convertedPair(zongjiRow(this, parser) as ZongjiPair, this, compiled?.table)
    : { before: packedOrRead(parser, this, this.columns_present_bitmap, compiled), after: packedOrRead(parser, this, this.columns_present_bitmap2 ?? this.columns_present_bitmap, compiled) };
  this.scscRowBytes = (this.scscRowBytes ?? 0) + parser._offset - start;
  return pair;
}

/**
 * A full image stays packed (read when applied); a partial one is read now. Packed rows point into
 * one copy of the event's rows, made at its first row: the packet's buffer is a whole socket read
 * (64 KiB, most of it other events, possibly of tables not replicated), which queued changes must not
 * keep alive.
 */
function packedOrRead(parser: ZongjiParser, event: RowsEventThis, present: Buffer, compiled: CompiledRow): RowImage | PackedRow {
  const read = compiled.read as ReadColumn[];
  if (compiled.skip === undefined || !isFull(present, read.length)) return readRow(parser, event, present, compiled);
  const start = parser._offset;
  const c = cursor;
  c.buf = parser._buffer;
  c.at = start;
  compiled.skip(c);
  parser._offset = c.at;
  c.buf = EMPTY;
  const rows = event.scscRows ??= { buf: Buffer.copyBytesFrom(parser._buffer, start, parser._packetEnd - start), base: start };
  return new PackedRow(rows.buf, start - rows.base, parser._offset - rows.base, compiled);
}

Object.defineProperty(fetchOneRow, OURS, { value: true });
Object.defineProperty(fetchOneUpdate, OURS, { value: true });

/** Whether a row event's images leave columns out (binlog_row_image MINIMAL or NOBLOB in the writing session). */
export function hasPartialImages(event: object): boolean {
  const rows = event as RowsEventThis;
  if (rows.columns_present_bitmap === undefined) return false;
  const columns = rows.tableMap[rows.tableId]?.columns?.length ?? 0;
  return !isFull(rows.columns_present_bitmap, columns) || (rows.columns_present_bitmap2 !== undefined && !isFull(rows.columns_present_bitmap2, columns));
}

/**
 * The binlog bytes of a row event's row images, when scsc's reader counted them (every event after
 * the first of its kind): the cheap base of a change's memory estimate.
 */
export function rowImageBytes(event: object): number | undefined {
  return (event as RowsEventThis).scscRowBytes;
}

type ZongjiPair = { before: Record<string, unknown>; after: Record<string, unknown> };

/**
 * A row zongji read, in scsc's forms (toRowImage, in place). zongji shows the columns a partial row
 * image (binlog_row_image=MINIMAL/NOBLOB) leaves out as NULL: they are absent.
 */
function converted(row: Record<string, unknown>, event: RowsEventThis, present: Buffer, table: TableSchema | undefined): RowImage {
  const image = toRowImage(row, table);
  const columns = event.tableMap[event.tableId]?.columns ?? [];
  for (let i = 0; i < columns.length; i++) if (!isPresent(present, i)) delete image[(columns[i] as ZongjiColumn).name];
  return image;
}

function convertedPair(pair: ZongjiPair, event: RowsEventThis, table: TableSchema | undefined): { before: RowImage; after: RowImage } {
  return {
    before: converted(pair.before, event, event.columns_present_bitmap, table),
    after: converted(pair.after, event, event.columns_present_bitmap2 ?? event.columns_present_bitmap, table),
  };
}

function isPresent(bitmap: Buffer, i: number): boolean {
  return ((bitmap[i >> 3] as number) & (1 << (i & 7))) !== 0;
}

/** zongji's reading of the row, through the method scsc's reader replaced on this event's class. */
function zongjiRow(event: RowsEventThis, parser: ZongjiParser): unknown {
  let owner = Object.getPrototypeOf(event) as object | null;
  while (owner !== null && !zongjiFetch.has(owner)) owner = Object.getPrototypeOf(owner) as object | null;
  const original = owner === null ? undefined : zongjiFetch.get(owner);
  if (original === undefined) throw new ScscError('INTERNAL', 'zongji row reader missing');
  return original.call(event, parser);
}

/** Compiled readers by table definition, with the binlog's description of the columns they read (a table map per transaction). */
const compiledBySchema = new WeakMap<TableSchema, Array<{ description: unknown[]; compiled: CompiledRow }>>();

/**
 * Prepares the reading of one table-map entry's rows from scsc's introspection of the table:
 * corrects zongji's entry (patchTableEntry) and compiles scsc's reader, or reuses the reader compiled
 * for an identical entry of the same definition. Returns the first column that leaves the table's
 * rows to zongji's decoder.
 */
export function prepareRowReader(entry: RowReaderTableEntry, table: TableSchema | undefined): { column: string; binlogType: number } | undefined {
  const columns = entry.columns;
  const known = table === undefined || columns === undefined ? undefined : compiledBySchema.get(table)?.find((c) => describes(c.description, columns, entry.columnSchemas));
  if (known !== undefined) {
    // Until both of zongji's readers are replaced, the first event of a kind is still decoded by zongji: from a corrected entry.
    if (zongjiFetch.size < 2) patchTableEntry(entry, table);
    entry[READER] = known.compiled;
    return undefined;
  }
  const description = columns === undefined ? [] : describe(columns, entry.columnSchemas);
  patchTableEntry(entry, table);
  if (table === undefined || columns === undefined) {
    entry[READER] = { table, read: undefined };
    return undefined;
  }
  const rules = columnRules(table);
  const read: ReadColumn[] = [];
  for (const [i, column] of columns.entries()) {
    const rule = rules.get(column.name) ?? rules.get(column.name.toLowerCase());
    const reader = columnReader(column, entry.columnSchemas[i] as ZongjiColumnSchema, rule);
    if (reader === undefined) {
      entry[READER] = { table, read: undefined };
      return { column: column.name, binlogType: column.type };
    }
    read.push(reader);
  }
  const compiled: CompiledRow = { table, read };
  const full = fullImageReader(columns.map((c) => c.name));
  if (full !== undefined) compiled.full = full;
  const widths = columns.map(columnWidth);
  if (full !== undefined && widths.every((w) => w !== undefined)) {
    compiled.skip = fullImageSkipper(widths);
    const ruled = columns.map((column) => rules.get(column.name) ?? rules.get(column.name.toLowerCase()));
    compiled.columns = {
      names: columns.map((column) => column.name),
      widths,
      kinds: ruled.map((rule) => rule?.kind ?? 'text'),
      literals: columns.map((column, i) => columnLiteral(column, entry.columnSchemas[i] as ZongjiColumnSchema, ruled[i], read[i] as ReadColumn)),
    };
  }
  entry[READER] = compiled;
  let cached = compiledBySchema.get(table);
  if (cached === undefined) compiledBySchema.set(table, (cached = []));
  // The newest layouts are kept: a table altered many times must not compile a reader per transaction.
  if (cached.length >= 16) cached.shift();
  cached.push({ description, compiled });
  return undefined;
}

const FIELDS_PER_COLUMN = 13;

/** Everything of zongji's entry (before patchTableEntry) that decides how its rows are read, flat. */
function describe(columns: readonly ZongjiColumn[], schemas: readonly ZongjiColumnSchema[]): unknown[] {
  const description: unknown[] = [];
  for (const [i, c] of columns.entries()) {
    const m = c.metadata;
    const s = schemas[i];
    description.push(c.name, c.type, c.charset, m?.max_length, m?.length_size, m?.precision, m?.decimals, m?.bits, m?.size,
      s?.COLUMN_TYPE, s?.UNSIGNED, s?.ENUM_VALUES?.join('\u0000'), s?.SET_VALUES?.join('\u0000'));
  }
  return description;
}

/** describe(columns, schemas) equals the description, compared in place (no array built per table map). */
function describes(description: readonly unknown[], columns: readonly ZongjiColumn[], schemas: readonly ZongjiColumnSchema[]): boolean {
  if (description.length !== columns.length * FIELDS_PER_COLUMN) return false;
  for (let i = 0, at = 0; i < columns.length; i++, at += FIELDS_PER_COLUMN) {
    const c = columns[i] as ZongjiColumn;
    const m = c.metadata;
    const s = schemas[i];
    if (description[at] !== c.name || description[at + 1] !== c.type || description[at + 2] !== c.charset
      || description[at + 3] !== m?.max_length || description[at + 4] !== m?.length_size || description[at + 5] !== m?.precision
      || description[at + 6] !== m?.decimals || description[at + 7] !== m?.bits || description[at + 8] !== m?.size
      || description[at + 9] !== s?.COLUMN_TYPE || description[at + 10] !== s?.UNSIGNED
      || !sameList(description[at + 11], s?.ENUM_VALUES) || !sameList(description[at + 12], s?.SET_VALUES)) return false;
  }
  return true;
}

function sameList(joined: unknown, list: readonly string[] | undefined): boolean {
  if (list === undefined || joined === undefined) return list === undefined && joined === undefined;
  return list.join('\u0000') === joined;
}

const EMPTY = Buffer.alloc(0);
const cursor: Cursor = { buf: EMPTY, at: 0 };

/**
 * A row reader made for one table: its values read in column order into locals, then one object
 * literal with the table's column names, so every row of the table has one shape allocated at its
 * final size (the generic reader grows each row object property by property).
 */
function fullImageReader(names: readonly string[]): FullImageReader | undefined {
  if (names.includes('__proto__') || names.length === 0 || names.length > 512) return undefined;
  const lines = [`const buf = c.buf; const nulls = c.at; c.at += ${(names.length + 7) >> 3};`];
  names.forEach((_, i) => lines.push(`const v${i} = (buf[nulls + ${i >> 3}] & ${1 << (i & 7)}) !== 0 ? null : read[${i}](c);`));
  lines.push(`return { ${names.map((name, i) => `${JSON.stringify(name)}: v${i}`).join(', ')} };`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from column names, each a JSON string literal
  return new Function('c', 'read', lines.join('\n')) as FullImageReader;
}

/** PackedRow's key and tuple readers of one table's full images for one target, made on first use. */
function rowWriter(compiled: CompiledRow, target: RowTarget): RowWriter {
  compiled.writers ??= new WeakMap();
  let writer = compiled.writers.get(target);
  if (writer === undefined) compiled.writers.set(target, (writer = makeRowWriter(compiled, target)));
  return writer;
}

function makeRowWriter(compiled: CompiledRow, target: RowTarget): RowWriter {
  const { names, widths, kinds, literals } = compiled.columns as NonNullable<CompiledRow['columns']>;
  const read = compiled.read as ReadColumn[];
  const lower = names.map((name) => name.toLowerCase());
  // As the statements find a key column in an image (row-change-statements.ts, valueIn): its exact name, else the first case-insensitive match.
  const keyAt = target.keyColumns.map((k) => {
    const exact = names.indexOf(k.name);
    return exact >= 0 ? exact : lower.indexOf(k.name.toLowerCase());
  });
  const columns: ColumnSchema[] = [];
  const literal: Array<ReadLiteral | undefined> = names.map((_, i) => {
    const column = target.writable.get(lower[i] as string);
    if (column === undefined) return undefined;
    columns.push(column);
    const direct = literals[i];
    if (direct !== undefined && columnClass(column) === kinds[i]) return direct;
    const write = literalWriter(column);
    const value = read[i] as ReadColumn;
    return (c) => write(value(c));
  });
  const head = `const buf = c.buf; const nulls = c.at; c.at += ${(names.length + 7) >> 3};`;
  const isNull = (i: number): string => `(buf[nulls + ${i >> 3}] & ${1 << (i & 7)}) !== 0`;
  const skip = (i: number): string => `if (!(${isNull(i)})) ${typeof widths[i] === 'number' ? `c.at += ${widths[i]};` : `widths[${i}](c);`}`;
  const keyLines = [head, ...[...new Set(keyAt)].filter((i) => i >= 0).map((i) => `let v${i} = null;`)];
  const tupleLines = [head, "let t = '(';"];
  let written = 0;
  names.forEach((_, i) => {
    keyLines.push(keyAt.includes(i) ? `if (!(${isNull(i)})) v${i} = read[${i}](c);` : skip(i));
    if (literal[i] === undefined) tupleLines.push(skip(i));
    else {
      const separator = written++ === 0 ? '' : ', ';
      tupleLines.push(`t += ${isNull(i)} ? '${separator}NULL' : ${separator === '' ? '' : "', ' + "}literal[${i}](c);`);
    }
  });
  keyLines.push(`return [${keyAt.map((i) => (i >= 0 ? `v${i}` : 'null')).join(', ')}];`);
  tupleLines.push("return t + ')';");
  /* eslint-disable @typescript-eslint/no-implied-eval -- generated from column positions and widths only */
  const key = new Function('c', 'read', 'widths', keyLines.join('\n')) as (c: Cursor, r: readonly ReadColumn[], w: readonly ColumnWidth[]) => RowValue[];
  const tuple = new Function('c', 'literal', 'widths', tupleLines.join('\n')) as (c: Cursor, l: ReadonlyArray<ReadLiteral | undefined>, w: readonly ColumnWidth[]) => string;
  /* eslint-enable @typescript-eslint/no-implied-eval */
  return { columns, key: (c) => key(c, read, widths), tuple: (c) => tuple(c, literal, widths) };
}

/** Steps over a full image: fixed widths inline, length-prefixed values through their width function; NULLs take no bytes. */
function fullImageSkipper(widths: readonly ColumnWidth[]): FullImageSkipper {
  const lines = [`const buf = c.buf; const nulls = c.at; c.at += ${(widths.length + 7) >> 3};`];
  widths.forEach((width, i) => {
    const step = typeof width === 'number' ? `c.at += ${width};` : `widths[${i}](c);`;
    lines.push(`if ((buf[nulls + ${i >> 3}] & ${1 << (i & 7)}) === 0) ${step}`);
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from numbers only
  const skip = new Function('c', 'widths', lines.join('\n')) as (cursor: Cursor, widths: readonly ColumnWidth[]) => void;
  return (c) => skip(c, widths);
}

function isFull(present: Buffer, columns: number): boolean {
  for (let i = 0; i < columns >> 3; i++) if (present[i] !== 0xff) return false;
  const rest = columns & 7;
  return rest === 0 || ((present[columns >> 3] as number) & ((1 << rest) - 1)) === (1 << rest) - 1;
}

function readRow(parser: ZongjiParser, event: RowsEventThis, present: Buffer, compiled: CompiledRow): RowImage {
  const read = compiled.read as ReadColumn[];
  const c = cursor;
  c.buf = parser._buffer;
  c.at = parser._offset;
  if (compiled.full !== undefined && isFull(present, read.length)) {
    const image = compiled.full(c, read);
    parser._offset = c.at;
    c.buf = EMPTY;
    return image;
  }
  const columns = (event.tableMap[event.tableId] as RowReaderTableEntry).columns as ZongjiColumn[];
  let presentCount = 0;
  for (let i = 0; i < columns.length; i++) if (isPresent(present, i)) presentCount++;
  const nulls = c.at;
  c.at += (presentCount + 7) >> 3;
  const row: RowImage = {};
  for (let i = 0, n = 0; i < columns.length; i++) {
    const name = (columns[i] as ZongjiColumn).name;
    if (!isPresent(present, i)) continue; // not in a partial image: absent, not NULL
    row[name] = ((c.buf[nulls + (n >> 3)] as number) & (1 << (n & 7))) !== 0 ? null : (read[i] as ReadColumn)(c);
    n++;
  }
  parser._offset = c.at;
  c.buf = EMPTY; // the packet's memory is not held until the next row event
  return row;
}
