import type { RowImage } from '../core/change-event.js';
import type { RowValue } from '../core/row-value.js';
import { ScscError } from '../core/scsc-error.js';
import type { TableSchema } from '../core/table-schema.js';
import { columnRules, patchTableEntry, toRowImage, type ColumnRule, type ZongjiColumn, type ZongjiColumnSchema, type ZongjiTableEntry } from './binlog-row-decoder.js';

/** zongji's packet reader, as its row events hand it over. */
interface ZongjiParser {
  _buffer: Buffer;
  _offset: number;
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
}

type FetchRow = (this: RowsEventThis, parser: ZongjiParser) => unknown;

/** Where a row is being read: the event's bytes and the next byte. */
interface Cursor {
  buf: Buffer;
  at: number;
}

type ReadColumn = (cursor: Cursor) => RowValue;

interface CompiledRow {
  table: TableSchema | undefined;
  /** Undefined when a column needs zongji's decoder: the table's rows are then read by zongji and converted. */
  read: ReadColumn[] | undefined;
  /** Reads an image with every column present (binlog_row_image=FULL) into one object literal. */
  full?: FullImageReader;
}

type FullImageReader = (cursor: Cursor, read: ReadColumn[]) => RowImage;

/* Global symbols: a second copy of this module (bundle and sources in one process) reads the same entries and knows the same readers. */
const READER = Symbol.for('scsc.binlogRowReader');
const OURS = Symbol.for('scsc.binlogRowReader.fetch');
/** zongji's own row readers, by the prototype that held them (RowsEvent's, UpdateRows'). */
const zongjiFetch = new Map<object, FetchRow>();

/** Binlog column type codes (MySQL's enum_field_types). */
const T = {
  TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, LONGLONG: 8, INT24: 9, DATE: 10, YEAR: 13,
  VARCHAR: 15, BIT: 16, TIMESTAMP2: 17, DATETIME2: 18, TIME2: 19, NEWDECIMAL: 246, ENUM: 247, SET: 248, BLOB: 252, STRING: 254,
} as const;

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
  for (const row of rowsEvent.rows ?? []) {
    if (kind === 'update') {
      const pair = row as { before: Record<string, unknown>; after: Record<string, unknown> };
      withoutAbsent(toRowImage(pair.before, table), rowsEvent, rowsEvent.columns_present_bitmap);
      withoutAbsent(toRowImage(pair.after, table), rowsEvent, rowsEvent.columns_present_bitmap2 ?? rowsEvent.columns_present_bitmap);
    } else {
      withoutAbsent(toRowImage(row as Record<string, unknown>, table), rowsEvent, rowsEvent.columns_present_bitmap);
    }
  }
}

/** Whether a row event's rows were read by scsc's reader (else adoptRowsEvent converts them). */
export function readByScsc(event: object): boolean {
  const fetch = (event as { _fetchOneRow?: unknown })._fetchOneRow;
  return typeof fetch === 'function' && OURS in fetch;
}

function fetchOneRow(this: RowsEventThis, parser: ZongjiParser): RowImage {
  const start = parser._offset;
  const compiled = this.tableMap[this.tableId]?.[READER];
  const row = compiled?.read === undefined
    ? withoutAbsent(toRowImage(zongjiRow(this, parser) as Record<string, unknown>, compiled?.table), this, this.columns_present_bitmap)
    : readRow(parser, this, this.columns_present_bitmap, compiled);
  this.scscRowBytes = (this.scscRowBytes ?? 0) + parser._offset - start;
  return row;
}

function fetchOneUpdate(this: RowsEventThis, parser: ZongjiParser): { before: RowImage; after: RowImage } {
  const start = parser._offset;
  const compiled = this.tableMap[this.tableId]?.[READER];
  let pair: { before: RowImage; after: RowImage };
  if (compiled?.read === undefined) {
    const raw = zongjiRow(this, parser) as { before: Record<string, unknown>; after: Record<string, unknown> };
    pair = {
      before: withoutAbsent(toRowImage(raw.before, compiled?.table), this, this.columns_present_bitmap),
      after: withoutAbsent(toRowImage(raw.after, compiled?.table), this, this.columns_present_bitmap2 ?? this.columns_present_bitmap),
    };
  } else {
    const before = readRow(parser, this, this.columns_present_bitmap, compiled);
    pair = { before, after: readRow(parser, this, this.columns_present_bitmap2 ?? this.columns_present_bitmap, compiled) };
  }
  this.scscRowBytes = (this.scscRowBytes ?? 0) + parser._offset - start;
  return pair;
}

Object.defineProperty(fetchOneRow, OURS, { value: true });
Object.defineProperty(fetchOneUpdate, OURS, { value: true });

/** Whether a row event's images leave columns out (binlog_row_image MINIMAL or NOBLOB in the writing session). */
export function hasPartialImages(event: object): boolean {
  const rows = event as RowsEventThis;
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

/** zongji shows the columns a partial row image (binlog_row_image=MINIMAL/NOBLOB) leaves out as NULL: they are absent. */
function withoutAbsent(row: RowImage, event: RowsEventThis, present: Buffer): RowImage {
  const columns = event.tableMap[event.tableId]?.columns ?? [];
  for (let i = 0; i < columns.length; i++) if (((present[i >> 3] as number) & (1 << (i & 7))) === 0) delete row[(columns[i] as ZongjiColumn).name];
  return row;
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
  // Until both of zongji's readers are replaced, the first event of a kind is still decoded by zongji: from a corrected entry.
  if (known !== undefined && zongjiFetch.size === 2) {
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
  entry[READER] = compiled;
  let cached = compiledBySchema.get(table);
  if (cached === undefined) compiledBySchema.set(table, (cached = []));
  if (known === undefined && cached.length < 16) cached.push({ description, compiled });
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
  for (let i = 0; i < columns.length; i++) if ((present[i >> 3] as number) & (1 << (i & 7))) presentCount++;
  const nulls = c.at;
  c.at += (presentCount + 7) >> 3;
  const row: RowImage = {};
  for (let i = 0, n = 0; i < columns.length; i++) {
    const name = (columns[i] as ZongjiColumn).name;
    if (((present[i >> 3] as number) & (1 << (i & 7))) === 0) continue; // not in a partial image: absent, not NULL
    row[name] = ((c.buf[nulls + (n >> 3)] as number) & (1 << (n & 7))) !== 0 ? null : (read[i] as ReadColumn)(c);
    n++;
  }
  parser._offset = c.at;
  c.buf = EMPTY; // the packet's memory is not held until the next row event
  return row;
}

/** scsc's own reader for this column, or undefined when zongji's decoder must read it. */
function columnReader(column: ZongjiColumn, schema: ZongjiColumnSchema, rule: ColumnRule | undefined): ReadColumn | undefined {
  if (rule === undefined) return undefined;
  const meta = column.metadata ?? {};
  const kind = rule.kind;
  const unsigned = schema.UNSIGNED ?? schema.COLUMN_TYPE.includes('unsigned');
  switch (column.type) {
    case T.TINY: return unsigned ? (c) => String(c.buf[c.at++]) : (c) => String(c.buf.readInt8(c.at++));
    case T.SHORT: return unsigned ? (c) => String(c.buf.readUInt16LE((c.at += 2) - 2)) : (c) => String(c.buf.readInt16LE((c.at += 2) - 2));
    case T.INT24: return unsigned ? (c) => String(c.buf.readUIntLE((c.at += 3) - 3, 3)) : (c) => String(c.buf.readIntLE((c.at += 3) - 3, 3));
    case T.LONG: return unsigned ? (c) => String(c.buf.readUInt32LE((c.at += 4) - 4)) : (c) => String(c.buf.readInt32LE((c.at += 4) - 4));
    case T.LONGLONG: return (c) => int64Text(c, unsigned);
    case T.FLOAT: return (c) => String(c.buf.readFloatLE((c.at += 4) - 4));
    case T.DOUBLE: return (c) => String(c.buf.readDoubleLE((c.at += 8) - 8));
    case T.YEAR: return (c) => {
      const stored = c.buf[c.at++] as number;
      return stored === 0 && rule.year ? '0' : String(stored + 1900);
    };
    case T.NEWDECIMAL: return decimalReader(meta.precision ?? 10, meta.decimals ?? 0);
    case T.DATE: return (c) => {
      const packed = c.buf.readUIntLE((c.at += 3) - 3, 3);
      return `${pad4(packed >> 9)}-${pad2((packed >> 5) & 15)}-${pad2(packed & 31)}`;
    };
    case T.DATETIME2: return datetimeReader(meta.decimals ?? 0);
    case T.TIMESTAMP2: return timestampReader(meta.decimals ?? 0);
    case T.TIME2: return timeReader(meta.decimals ?? 0);
    case T.BIT: {
      const bytes = ((meta.bits ?? 1) + 7) >> 3;
      return (c) => copyBytes(c, bytes);
    }
    case T.ENUM: {
      const choices = schema.ENUM_VALUES;
      if (choices === undefined) return undefined;
      return meta.size === 2
        ? (c) => choices[c.buf.readUInt16LE((c.at += 2) - 2) - 1] ?? null
        : (c) => choices[(c.buf[c.at++] as number) - 1] ?? null;
    }
    case T.SET: {
      const choices = schema.SET_VALUES;
      const bytes = meta.size ?? 1;
      if (choices === undefined) return undefined;
      return (c) => {
        const members: string[] = [];
        for (let i = 0; i < bytes; i++) {
          const byte = c.buf[c.at + i] as number;
          for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) members.push(choices[i * 8 + bit] as string);
        }
        c.at += bytes;
        return members.join(',');
      };
    }
    case T.VARCHAR:
    case T.STRING: {
      const prefix = (meta.max_length ?? 0) > 255 ? 2 : 1;
      const type = schema.COLUMN_TYPE;
      if (type === 'uuid') return (c) => uuidText(fixedWidth(c, prefix, 16));
      if (type === 'inet4') return (c) => inet4Text(fixedWidth(c, prefix, 4), 0);
      if (type === 'inet6') return (c) => inet6Text(fixedWidth(c, prefix, 16));
      if (type.startsWith('vector')) return undefined;
      if (kind === 'text' || kind === 'json') return stringReader(prefix, rule.keepsBytes);
      if (type.startsWith('varbin')) return (c) => copyBytes(c, lengthPrefix(c, prefix));
      const width = /^binary\((\d+)\)/.exec(type);
      if (width === null) return undefined;
      const size = Number(width[1]);
      return (c) => fixedWidth(c, prefix, size);
    }
    case T.BLOB: {
      const lengthSize = meta.length_size ?? 2;
      if (column.charset === null) return (c) => copyBytes(c, lengthPrefix(c, lengthSize));
      if (kind === 'text' || kind === 'json') return stringReader(lengthSize, rule.keepsBytes);
      return undefined;
    }
    default:
      return undefined;
  }
}

function lengthPrefix(c: Cursor, bytes: number): number {
  const length = c.buf.readUIntLE(c.at, bytes);
  c.at += bytes;
  return length;
}

/** A fixed-width binary value: the row image drops its trailing zero bytes (and zongji cuts a longer one to the width). */
function fixedWidth(c: Cursor, prefix: number, width: number): Buffer {
  const length = lengthPrefix(c, prefix);
  const padded = Buffer.alloc(width);
  c.buf.copy(padded, 0, c.at, c.at + Math.min(length, width));
  c.at += length;
  return padded;
}

function copyBytes(c: Cursor, length: number): Buffer {
  const bytes = Buffer.copyBytesFrom(c.buf, c.at, length);
  c.at += length;
  return bytes;
}

function stringReader(prefix: number, keepsBytes: boolean): ReadColumn {
  if (keepsBytes) return (c) => copyBytes(c, lengthPrefix(c, prefix));
  return (c) => {
    const length = lengthPrefix(c, prefix);
    const text = c.buf.toString('utf8', c.at, c.at + length);
    c.at += length;
    return text;
  };
}

function int64Text(c: Cursor, unsigned: boolean): string {
  const at = c.at;
  c.at += 8;
  const low = c.buf.readUInt32LE(at);
  const high = unsigned ? c.buf.readUInt32LE(at + 4) : c.buf.readInt32LE(at + 4);
  // Within +-2^53 a double holds the value exactly.
  if (high >= -0x200000 && high < 0x200000) return String(high * 0x1_0000_0000 + low);
  return (unsigned ? c.buf.readBigUInt64LE(at) : c.buf.readBigInt64LE(at)).toString();
}

const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/** MySQL's binary DECIMAL: groups of 9 digits in 4 bytes big-endian, sign in the top bit, negatives inverted. */
function decimalReader(precision: number, scale: number): ReadColumn {
  const integral = precision - scale;
  const fullIntegral = Math.floor(integral / 9);
  const headDigits = integral % 9;
  const fullFraction = Math.floor(scale / 9);
  const tailDigits = scale % 9;
  const headBytes = DIGIT_BYTES[headDigits] as number;
  const tailBytes = DIGIT_BYTES[tailDigits] as number;
  const size = headBytes + fullIntegral * 4 + fullFraction * 4 + tailBytes;
  return (c) => {
    const buf = c.buf;
    const start = c.at;
    c.at += size;
    const negative = ((buf[start] as number) & 0x80) === 0;
    const flip = negative ? 0xff : 0;
    let at = start;
    const group = (bytes: number): number => {
      let value = 0;
      for (let i = 0; i < bytes; i++, at++) value = value * 256 + (((buf[at] as number) ^ flip ^ (at === start ? 0x80 : 0)) & 0xff);
      return value;
    };
    let whole = '';
    if (headBytes > 0) {
      const value = group(headBytes);
      if (value !== 0) whole = String(value);
    }
    for (let i = 0; i < fullIntegral; i++) {
      const value = group(4);
      whole = whole === '' ? (value === 0 ? '' : String(value)) : whole + pad9(value);
    }
    let text = (negative ? '-' : '') + (whole === '' ? '0' : whole);
    if (scale === 0) return text;
    text += '.';
    for (let i = 0; i < fullFraction; i++) text += pad9(group(4));
    if (tailBytes > 0) text += String(group(tailBytes)).padStart(tailDigits, '0');
    return text;
  };
}

/** The fraction of a DATETIME2 / TIMESTAMP2 / TIME2: (decimals+1)/2 bytes big-endian, odd precisions stored times ten. */
function fraction(c: Cursor, decimals: number): string {
  if (decimals === 0) return '';
  const bytes = (decimals + 1) >> 1;
  let value = c.buf.readUIntBE(c.at, bytes);
  c.at += bytes;
  if (decimals % 2 === 1) value = Math.floor(value / 10);
  return `.${String(value).padStart(decimals, '0')}`;
}

/** DATETIME2: 40 bits big-endian (sign, year*13+month, day, hour, minute, second), then the fraction. */
function datetimeReader(decimals: number): ReadColumn {
  return (c) => {
    const high = (c.buf[c.at] as number) & 0x7f;
    const low = c.buf.readUInt32BE(c.at + 1);
    c.at += 5;
    const yearMonth = (high << 10) | (low >>> 22);
    return `${pad4(Math.floor(yearMonth / 13))}-${pad2(yearMonth % 13)}-${pad2((low >>> 17) & 31)} ${pad2((low >>> 12) & 31)}:${pad2((low >>> 6) & 63)}:${pad2(low & 63)}${fraction(c, decimals)}`;
  };
}

/**
 * TIME2: 3 bytes big-endian offset by 0x800000 (sign, hours, minutes, seconds), then the fraction;
 * a negative time with a fraction borrows one second (MySQL's my_time_packed_from_binary).
 */
function timeReader(decimals: number): ReadColumn {
  const fractionBytes = (decimals + 1) >> 1;
  return (c) => {
    const buf = c.buf;
    let packed: number;
    if (fractionBytes === 3) {
      packed = buf.readUIntBE(c.at, 6) - 0x8000_0000_0000;
    } else {
      let whole = buf.readUIntBE(c.at, 3) - 0x80_0000;
      let part = fractionBytes === 0 ? 0 : fractionBytes === 1 ? (buf[c.at + 3] as number) : buf.readUInt16BE(c.at + 3);
      if (whole < 0 && part !== 0) {
        whole++;
        part -= fractionBytes === 1 ? 0x100 : 0x1_0000;
      }
      packed = whole * 0x100_0000 + part * (fractionBytes === 1 ? 10_000 : 100);
    }
    c.at += 3 + fractionBytes;
    const negative = packed < 0;
    if (negative) packed = -packed;
    const hms = Math.floor(packed / 0x100_0000);
    const micros = packed % 0x100_0000;
    const hours = (hms >> 12) & 1023;
    const text = `${negative ? '-' : ''}${hours > 99 ? String(hours) : pad2(hours)}:${pad2((hms >> 6) & 63)}:${pad2(hms & 63)}`;
    return decimals === 0 ? text : `${text}.${String(Math.floor(micros / 10 ** (6 - decimals))).padStart(decimals, '0')}`;
  };
}

/** TIMESTAMP2: seconds since the epoch (4 bytes big-endian), then the fraction; shown in UTC, 0 as the zero date. */
function timestampReader(decimals: number): ReadColumn {
  return (c) => {
    const seconds = c.buf.readUInt32BE(c.at);
    c.at += 4;
    const part = fraction(c, decimals);
    if (seconds === 0 && !/[1-9]/.test(part)) return `0000-00-00 00:00:00${part}`;
    const days = Math.floor(seconds / 86_400);
    const time = seconds % 86_400;
    return `${civilDate(days)} ${pad2(Math.floor(time / 3600))}:${pad2(Math.floor(time / 60) % 60)}:${pad2(time % 60)}${part}`;
  };
}

/** YYYY-MM-DD of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil inverse). */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** Text forms as the server prints them (and zongji gives them): UUID, INET4, INET6 (RFC 5952). */
function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function inet4Text(bytes: Buffer, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

function inet6Text(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((b) => b === 0)) {
    if (bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${inet4Text(bytes, 12)}`;
    if (bytes[10] === 0 && bytes[11] === 0 && bytes.readUInt32BE(12) > 1) return `::${inet4Text(bytes, 12)}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (part: number[]): string => part.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n >= 1000 ? String(n) : String(n).padStart(4, '0');
}

function pad9(n: number): string {
  return n >= 100_000_000 ? String(n) : String(n).padStart(9, '0');
}
