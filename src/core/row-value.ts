/**
 * A column value as scsc carries it: exact text for numbers, times and character data (decoded to a
 * JS string), bytes for binary, BIT and GEOMETRY, null for NULL. No JS number ever holds a value, so
 * nothing is rounded.
 */
export type RowValue = string | Buffer | null;

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
