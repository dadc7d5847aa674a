/**
 * A column value as scsc carries it: exact text for numbers, times and character data (decoded to a
 * JS string), bytes for binary, BIT and GEOMETRY, null for NULL. No JS number ever holds a value, so
 * nothing is rounded.
 */
export type RowValue = string | Buffer | null;

const CHARSET = Symbol('scsc.charset');
type TaggedBytes = Buffer & { [CHARSET]?: string };

/**
 * Character data in a character set other than utf8, as the binlog holds it: its stored bytes (no JS
 * decoder converts every server character set exactly), tagged with that character set. The SQL
 * literal names it (`_latin1 X'e9'`), so the server converts the bytes into whatever character set
 * the target column has.
 */
export function textBytes(bytes: Buffer, charset: string): Buffer {
  // Not enumerable: the bytes compare, copy and print as any Buffer.
  if (/^[a-z0-9_]+$/i.test(charset)) Object.defineProperty(bytes, CHARSET, { value: charset });
  return bytes;
}

/** The character set textBytes() tagged these bytes with; undefined for binary data. */
export function textBytesCharset(bytes: Buffer): string | undefined {
  return (bytes as TaggedBytes)[CHARSET];
}

/** A stable map key for a row's key values (strings and bytes kept apart): the first `length` of `values`. */
export function keyString(values: readonly RowValue[], length = values.length): string {
  if (length === 0) return '';
  let id = keyPart(values[0] as RowValue);
  for (let i = 1; i < length; i++) id += `\u0001${keyPart(values[i] as RowValue)}`;
  return id;
}

function keyPart(value: RowValue): string {
  return value === null ? '\u0000N' : typeof value === 'string' ? `s${value.length}:${value}` : `b${value.toString('hex')}`;
}
