/**
 * A column value as scsc carries it: exact text for numbers, times and character data (decoded to a
 * JS string), bytes for binary, BIT and GEOMETRY, null for NULL. No JS number ever holds a value, so
 * nothing is rounded.
 */
export type RowValue = string | Buffer | null;

/** A stable map key for a row's key values (strings and bytes kept apart). */
export function keyString(values: readonly RowValue[]): string {
  return values.map((v) => (v === null ? '\u0000N' : typeof v === 'string' ? `s${v.length}:${v}` : `b${v.toString('hex')}`)).join('\u0001');
}
