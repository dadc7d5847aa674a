import { columnClass, type ColumnClass } from '../core/column-class.js';
import type { RowImage } from '../core/change-event.js';
import { textBytes, type RowValue } from '../core/row-value.js';
import { ScscError } from '../core/scsc-error.js';
import type { ColumnSchema, TableSchema } from '../core/table-schema.js';

/** One column of zongji's table-map entry: the binlog type (ENUM/SET resolved) and its metadata. */
export interface ZongjiColumn {
  name: string;
  charset: string | null;
  type: number;
  metadata?: { max_length?: number; length_size?: number; precision?: number; decimals?: number; bits?: number; size?: number };
}

/** zongji's view of a column's definition (information_schema, scsc's introspection or FULL metadata). */
export interface ZongjiColumnSchema {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  /** From the binlog's SIGNEDNESS metadata, when it has it. */
  UNSIGNED?: boolean;
  ENUM_VALUES?: string[];
  SET_VALUES?: string[];
}

/** The parts of zongji's per-table cache that decide how row values are decoded. */
export interface ZongjiTableEntry {
  columns?: ZongjiColumn[];
  columnSchemas: ZongjiColumnSchema[];
}

const MYSQL_TYPE_BLOB = 252;
const MYSQL_TYPE_GEOMETRY = 255;
const UTF8 = new Set(['utf8mb4', 'utf8mb3', 'utf8', 'ascii']);
/** iconv's one-byte-per-character decoding: zongji then hands over the stored bytes as a string. */
const BYTES_AS_TEXT = 'binary';

/**
 * Text in a charset other than utf8 travels as its stored bytes. ENUM and SET values are not read
 * as text: they are members of the column's value list (strings from scsc's introspection).
 */
function keepsBytes(column: ColumnSchema): boolean {
  const kind = columnClass(column);
  if (column.dataType === 'enum' || column.dataType === 'set') return false;
  return (kind === 'text' || kind === 'json') && column.charset !== undefined && !UTF8.has(column.charset);
}

/**
 * Corrects zongji's decoding of one table before its row events are read, from scsc's own
 * introspection of the source (matched by column name):
 * - GEOMETRY is decoded as a BLOB: zongji turns it into point objects, dropping the SRID and the
 *   geometry kind; the raw bytes are the server's internal form, which it accepts back as is.
 * - character columns take the charset the server reports: with binlog_row_metadata=FULL on
 *   MariaDB the binlog's charset list is shifted by a GEOMETRY column (strings after it decode with
 *   their neighbour's charset). utf8 columns decode to strings; other charsets travel as their
 *   stored bytes (written back as hex literals), so no byte is lost to a JS decoder.
 * - the declared type and the ENUM/SET value lists come from the server: zongji's own parse of
 *   `enum('a,b','c''d')` splits on the comma inside a value, and FULL metadata cannot tell UUID and
 *   INET6 from BINARY(16).
 */
export function patchTableEntry(entry: ZongjiTableEntry, table: TableSchema | undefined): void {
  const byName = new Map((table?.columns ?? []).map((c) => [c.name.toLowerCase(), c]));
  entry.columns?.forEach((column, i) => {
    if (column.type === MYSQL_TYPE_GEOMETRY) {
      column.type = MYSQL_TYPE_BLOB;
      column.charset = null;
      return;
    }
    const ours = byName.get(column.name.toLowerCase());
    const schema = entry.columnSchemas[i];
    if (ours === undefined || schema === undefined) return;
    const kind = columnClass(ours);
    if (kind === 'text' || kind === 'json') column.charset = keepsBytes(ours) ? BYTES_AS_TEXT : 'utf8mb4';
    else if (kind === 'binary') column.charset = null;
    schema.COLUMN_TYPE = ours.columnType.toLowerCase();
    if (ours.dataType === 'enum') schema.ENUM_VALUES ??= enumValues(ours.columnType);
    if (ours.dataType === 'set') schema.SET_VALUES ??= enumValues(ours.columnType);
  });
}

const asLogged = new WeakMap<TableSchema, Map<string, TableSchema>>();

/**
 * The table as the rows of this table map were written: where the binlog names a text column's
 * character set (its collation id, binlog_row_metadata MINIMAL or FULL) and it decodes otherwise than
 * the column's today (an ALTER ... CONVERT TO CHARACTER SET between the rows and their reading: a
 * restart, a backlog), the logged one, so the rows' bytes are read in the character set they were
 * stored in. `collations` is the source's own id-to-charset list (zongji's is MySQL's and calls
 * MariaDB's other ids utf8mb4); an id it lacks keeps today's definition. Tables with a GEOMETRY
 * column keep it too (the charset list may be shifted by one there). One object per table and set
 * of differences: a new one would compile a row reader per transaction.
 */
export function tableAsLogged(
  entry: ZongjiTableEntry, table: TableSchema | undefined, charsetIds: ReadonlyArray<number | undefined> | undefined, collations: ReadonlyMap<number, string> | undefined,
): TableSchema | undefined {
  if (table === undefined || charsetIds === undefined || collations === undefined) return table;
  const textColumns = textColumnsOf(table);
  if (textColumns === undefined) return table;
  const logged = new Map<ColumnSchema, string>();
  entry.columnSchemas.forEach((schema, i) => {
    const id = charsetIds[i];
    const charset = id === undefined ? undefined : collations.get(id);
    const ours = charset === undefined || charset === 'binary' ? undefined : textColumns.get(schema.COLUMN_NAME.toLowerCase());
    if (charset === undefined || ours?.charset === undefined) return;
    if (UTF8.has(charset) !== UTF8.has(ours.charset) || (!UTF8.has(charset) && charset !== ours.charset)) logged.set(ours, charset);
  });
  if (logged.size === 0) return table;
  const signature = JSON.stringify([...logged].map(([column, charset]) => [column.name, charset]));
  let variants = asLogged.get(table);
  if (variants === undefined) asLogged.set(table, (variants = new Map<string, TableSchema>()));
  let variant = variants.get(signature);
  if (variant === undefined) {
    variant = { ...table, columns: table.columns.map((c) => (logged.has(c) ? { ...c, charset: logged.get(c) } : c)) };
    variants.set(signature, variant);
  }
  return variant;
}

const textColumnsByTable = new WeakMap<TableSchema, Map<string, ColumnSchema> | undefined>();

/** A table's text columns (not ENUM/SET) by lower-case name, once per schema version; undefined when none can change decoding or it has GEOMETRY. */
function textColumnsOf(table: TableSchema): Map<string, ColumnSchema> | undefined {
  if (textColumnsByTable.has(table)) return textColumnsByTable.get(table);
  const text = table.columns.filter((c) => {
    const kind = columnClass(c);
    return (kind === 'text' || kind === 'json') && c.dataType !== 'enum' && c.dataType !== 'set' && c.charset !== undefined;
  });
  const columns = text.length === 0 || table.columns.some((c) => columnClass(c) === 'geometry') ? undefined : new Map(text.map((c) => [c.name.toLowerCase(), c]));
  textColumnsByTable.set(table, columns);
  return columns;
}

/** The values of `enum('a,b','c''d')` / `set(...)`: quotes doubled inside, commas allowed. */
export function enumValues(columnType: string): string[] {
  const values: string[] = [];
  const body = columnType.slice(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
  const quoted = /'((?:[^'\\]|''|\\.)*)'/g;
  for (const match of body.matchAll(quoted)) {
    values.push((match[1] ?? '').replace(/''/g, "'").replace(/\\(.)/g, (_, c: string) => (c === '\\' ? '\\' : c)));
  }
  return values;
}

/**
 * One of zongji's decoded rows as exact RowValues (text for numbers and times, bytes for binary);
 * `table` (matched by column name) tells which fixes apply. YEAR 0 arrives as 1900 (zongji adds 1900 to the
 * stored byte), which no YEAR column can hold otherwise.
 */
export function toRowImage(row: Record<string, unknown>, table: TableSchema | undefined): RowImage {
  const columns = table === undefined ? EMPTY : columnRules(table);
  // zongji's row object is used once: converted in place rather than copied (one allocation per row less).
  for (const name in row) row[name] = toRowValue(row[name], columns.get(name) ?? columns.get(name.toLowerCase()), name);
  return row as RowImage;
}

/** How one column's values are corrected, decided once per schema version. */
export interface ColumnRule {
  column: ColumnSchema;
  kind: ColumnClass;
  keepsBytes: boolean;
  time: boolean;
  year: boolean;
  timestamp: boolean;
}

const EMPTY = new Map<string, ColumnRule>();
const rulesBySchema = new WeakMap<TableSchema, Map<string, ColumnRule>>();

/** Rules by exact and by lower-case name: zongji names columns as the binlog metadata spells them. */
export function columnRules(table: TableSchema): Map<string, ColumnRule> {
  let rules = rulesBySchema.get(table);
  if (rules === undefined) {
    rules = new Map();
    for (const column of table.columns) {
      const rule = { column, kind: columnClass(column), keepsBytes: keepsBytes(column), time: column.dataType === 'time', year: column.dataType === 'year', timestamp: column.dataType === 'timestamp' };
      rules.set(column.name, rule);
      rules.set(column.name.toLowerCase(), rule);
    }
    rulesBySchema.set(table, rules);
  }
  return rules;
}

export function toRowValue(value: unknown, rule: ColumnRule | undefined, name: string): RowValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (rule === undefined) return value;
    if (rule.keepsBytes) return textBytes(Buffer.from(value, 'latin1'), rule.column.charset as string);
    if (rule.time && value.startsWith('-')) return negativeTime(value);
    if (rule.timestamp && value < '1970' && !value.startsWith('0000')) return unsignedTimestamp(value);
    return value;
  }
  if (typeof value === 'number') return rule?.year === true && value === 1900 ? '0' : String(value);
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  throw new ScscError('INTERNAL', `binlog value of ${name} (${rule?.column.columnType ?? 'unknown type'}) decoded as ${value instanceof Date ? 'a Date' : typeof value}`);
}

/**
 * zongji decodes a negative TIME without fraction (or with a zero fraction) from the one's
 * complement of the stored value: it shows the fields of (value - 1 second) in packed form, then adds
 * one to the seconds without carrying (-100:00:00 arrives as -99:63:64). The packed value is
 * recovered and decoded again.
 */
export function negativeTime(text: string): string {
  const match = /^-(\d+):(\d+):(\d+)(\.\d+)?$/.exec(text);
  if (match === null || (match[4] !== undefined && /[1-9]/.test(match[4]))) return text;
  const packed = ((Number(match[1]) << 12) | (Number(match[2]) << 6) | (Number(match[3]) - 1)) + 1;
  const hours = packed >> 12;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `-${pad(hours, hours > 99 ? 3 : 2)}:${pad((packed >> 6) & 63)}:${pad(packed & 63)}${match[4] ?? ''}`;
}

/**
 * zongji reads TIMESTAMP2's seconds as a signed 32-bit number; MariaDB 11.5+ stores TIMESTAMPs up to
 * 2106 (unsigned), so one from 2038-01-19 03:14:08 on arrives 2^32 seconds early, before 1970, where no
 * TIMESTAMP can be. Such a text is moved forward by 2^32 seconds (its fraction kept as shown).
 */
export function unsignedTimestamp(text: string): string {
  const match = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(text);
  if (match === null) return text;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 + 2 ** 32;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')}${match[7] ?? ''}`;
}

export function keyOfImage(image: RowImage, keyColumns: readonly string[]): RowValue[] {
  return keyColumns.map((name) => image[name] ?? null);
}

/** A row change's key (from the before image when there is one) and, when an update changes it, the new key. */
export function changeKeys(before: RowImage | undefined, after: RowImage | undefined, keyColumns: readonly string[]): { key: RowValue[]; newKey?: RowValue[] } {
  const key = keyOfImage((before ?? after ?? {}), keyColumns);
  if (before === undefined || after === undefined) return { key };
  const newKey = keyOfImage(after, keyColumns);
  return sameKey(key, newKey) ? { key } : { key, newKey };
}

/** Two keys of one table hold the same values (bytes by content). */
function sameKey(a: readonly RowValue[], b: readonly RowValue[]): boolean {
  return a.every((v, i) => {
    const w = b[i];
    if (Buffer.isBuffer(v) && Buffer.isBuffer(w)) return v.equals(w);
    return v === w;
  });
}
