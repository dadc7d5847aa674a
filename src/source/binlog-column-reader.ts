import { textBytes, type RowValue } from '../core/row-value.js';
import type { ColumnRule, ZongjiColumn, ZongjiColumnSchema } from './binlog-row-decoder.js';

/*
 * Readers of one binlog column value each, from the row image's bytes straight into scsc's exact
 * forms (text for numbers and times, bytes for binary), as MySQL/MariaDB lay them out (enum_field_types
 * and their table-map metadata). binlog-row-reader.ts assembles rows from them.
 */

/** Where a row is being read: the event's bytes and the next byte. */
export interface Cursor {
  buf: Buffer;
  at: number;
}

export type ReadColumn = (cursor: Cursor) => RowValue;

/** Binlog column type codes (MySQL's enum_field_types). */
const T = {
  TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, LONGLONG: 8, INT24: 9, DATE: 10, YEAR: 13,
  VARCHAR: 15, BIT: 16, TIMESTAMP2: 17, DATETIME2: 18, TIME2: 19, NEWDECIMAL: 246, ENUM: 247, SET: 248, BLOB: 252, STRING: 254,
} as const;

/** scsc's own reader for this column, or undefined when zongji's decoder must read it. */
export function columnReader(column: ZongjiColumn, schema: ZongjiColumnSchema, rule: ColumnRule | undefined): ReadColumn | undefined {
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
      if (kind === 'text' || kind === 'json') return stringReader(prefix, rule.keepsBytes ? rule.column.charset : undefined);
      if (type.startsWith('varbin')) return (c) => copyBytes(c, lengthPrefix(c, prefix));
      const width = /^binary\((\d+)\)/.exec(type);
      if (width === null) return undefined;
      const size = Number(width[1]);
      return (c) => fixedWidth(c, prefix, size);
    }
    case T.BLOB: {
      const lengthSize = meta.length_size ?? 2;
      if (column.charset === null) return (c) => copyBytes(c, lengthPrefix(c, lengthSize));
      if (kind === 'text' || kind === 'json') return stringReader(lengthSize, rule.keepsBytes ? rule.column.charset : undefined);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Reads one column's value straight into its SQL literal (see columnLiteral). */
export type ReadLiteral = (cursor: Cursor) => string;

/**
 * A reader of this column's value straight into the SQL literal sqlLiteral() writes for it into a
 * column of the same class (rule.kind), skipping the value's checks and copies: integers, DECIMAL
 * and YEAR as read, times quoted, binary bytes as hex. Undefined where the literal is made from the
 * value. Must agree with sqlLiteral(column, read(cursor)).
 */
export function columnLiteral(column: ZongjiColumn, schema: ZongjiColumnSchema, rule: ColumnRule | undefined, read: ReadColumn): ReadLiteral | undefined {
  const kind = rule?.kind;
  switch (column.type) {
    case T.TINY: case T.SHORT: case T.INT24: case T.LONG: case T.LONGLONG:
      // Digits and a sign only: the literal is the text.
      return kind === 'integer' ? read as ReadLiteral : undefined;
    case T.NEWDECIMAL:
      return kind === 'decimal' ? read as ReadLiteral : undefined;
    case T.YEAR:
      return kind === 'year' ? read as ReadLiteral : undefined;
    case T.DATE: case T.DATETIME2: case T.TIMESTAMP2: case T.TIME2:
      // Digits, - : . and a space only: quoted without escaping.
      return kind === 'temporal' ? (c) => `'${read(c) as string}'` : undefined;
    case T.VARCHAR:
    case T.STRING:
      return kind === 'binary' && schema.COLUMN_TYPE.startsWith('varbin') ? hexLiteral((column.metadata?.max_length ?? 0) > 255 ? 2 : 1) : undefined;
    case T.BLOB:
      return column.charset === null && (kind === 'binary' || kind === 'geometry') ? hexLiteral(column.metadata?.length_size ?? 2) : undefined;
    default:
      return undefined;
  }
}

function hexLiteral(prefix: number): ReadLiteral {
  return (c) => {
    const length = lengthPrefix(c, prefix);
    const text = length === 0 ? "''" : `X'${c.buf.toString('hex', c.at, c.at + length)}'`;
    c.at += length;
    return text;
  };
}

/** How a column's value is stepped over without reading it: a fixed byte count, or a function for a length-prefixed value. */
export type ColumnWidth = number | ((cursor: Cursor) => void);

/**
 * The bytes columnReader's reader of this column consumes, without decoding them (for finding where
 * a row image ends); undefined where columnReader has no reader. Must agree with columnReader.
 */
export function columnWidth(column: ZongjiColumn): ColumnWidth | undefined {
  const meta = column.metadata ?? {};
  switch (column.type) {
    case T.TINY: case T.YEAR: return 1;
    case T.SHORT: return 2;
    case T.INT24: case T.DATE: return 3;
    case T.LONG: case T.FLOAT: return 4;
    case T.LONGLONG: case T.DOUBLE: return 8;
    case T.NEWDECIMAL: return decimalBytes(meta.precision ?? 10, meta.decimals ?? 0);
    case T.DATETIME2: return 5 + (((meta.decimals ?? 0) + 1) >> 1);
    case T.TIMESTAMP2: return 4 + (((meta.decimals ?? 0) + 1) >> 1);
    case T.TIME2: return 3 + (((meta.decimals ?? 0) + 1) >> 1);
    case T.BIT: return ((meta.bits ?? 1) + 7) >> 3;
    case T.ENUM: return meta.size === 2 ? 2 : 1;
    case T.SET: return meta.size ?? 1;
    case T.VARCHAR:
    case T.STRING: return prefixed((meta.max_length ?? 0) > 255 ? 2 : 1);
    case T.BLOB: return prefixed(meta.length_size ?? 2);
    default: return undefined;
  }
}

function prefixed(bytes: number): (c: Cursor) => void {
  if (bytes === 1) return (c) => {
    c.at += 1 + (c.buf[c.at] as number);
  };
  if (bytes === 2) return (c) => {
    c.at += 2 + ((c.buf[c.at] as number) | ((c.buf[c.at + 1] as number) << 8));
  };
  return (c) => {
    c.at += bytes + c.buf.readUIntLE(c.at, bytes);
  };
}

function lengthPrefix(c: Cursor, bytes: number): number {
  const buf = c.buf;
  const at = c.at;
  c.at += bytes;
  // Buffer.readUIntLE is generic over 1-6 bytes: the common prefixes are read directly.
  if (bytes === 1) return buf[at] as number;
  if (bytes === 2) return (buf[at] as number) | ((buf[at + 1] as number) << 8);
  return buf.readUIntLE(at, bytes);
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

/** utf8 text as a string; text in another character set (`bytesOf`) as its bytes, tagged with it. */
function stringReader(prefix: number, bytesOf: string | undefined): ReadColumn {
  if (bytesOf !== undefined) return (c) => textBytes(copyBytes(c, lengthPrefix(c, prefix)), bytesOf);
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

/** The binary size of a DECIMAL(precision, scale): 4 bytes per 9 digits on each side of the point, fewer for the rest. */
function decimalBytes(precision: number, scale: number): number {
  const integral = precision - scale;
  return Math.floor(integral / 9) * 4 + (DIGIT_BYTES[integral % 9] as number) + Math.floor(scale / 9) * 4 + (DIGIT_BYTES[scale % 9] as number);
}

/** MySQL's binary DECIMAL: groups of 9 digits in 4 bytes big-endian, sign in the top bit, negatives inverted. */
function decimalReader(precision: number, scale: number): ReadColumn {
  const integral = precision - scale;
  const fullIntegral = Math.floor(integral / 9);
  const headDigits = integral % 9;
  const fullFraction = Math.floor(scale / 9);
  const tailDigits = scale % 9;
  const headBytes = DIGIT_BYTES[headDigits] as number;
  const tailBytes = DIGIT_BYTES[tailDigits] as number;
  const size = decimalBytes(precision, scale);
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
