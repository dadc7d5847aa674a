import type { RowValue } from '../core/row-value.js';
import type { ColumnSchema } from '../core/table-schema.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { sqlLiteral } from '../mysql/sql-literal.js';

/** A half-open interval of row keys: (after, upTo]. An undefined end is unbounded. */
export interface KeyRange {
  after?: readonly RowValue[];
  upTo?: readonly RowValue[];
}

export const WHOLE_TABLE: KeyRange = {};

/**
 * The WHERE condition for a key range, with the tuple comparison spelled out column by column
 * (a > x OR (a = x AND b > y)) so every server uses the key's index for it.
 */
export function keyRangeSql(keyColumns: readonly ColumnSchema[], range: KeyRange): string {
  const parts: string[] = [];
  if (range.after !== undefined) parts.push(tupleCompare(keyColumns, range.after, '>'));
  if (range.upTo !== undefined) parts.push(tupleCompare(keyColumns, range.upTo, '<='));
  return parts.length === 0 ? '1=1' : parts.map((p) => `(${p})`).join(' AND ');
}

function tupleCompare(columns: readonly ColumnSchema[], values: readonly RowValue[], op: '>' | '<='): string {
  const strict = op === '>' ? '>' : '<';
  const alternatives: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const equal = columns.slice(0, i).map((c, j) => `${quoteIdentifier(c.name)} = ${sqlLiteral(c, values[j] ?? null)}`);
    const last = i === columns.length - 1;
    const column = columns[i] as ColumnSchema;
    const comparison = `${quoteIdentifier(column.name)} ${last ? op : strict} ${sqlLiteral(column, values[i] ?? null)}`;
    alternatives.push([...equal, comparison].join(' AND '));
  }
  return alternatives.map((a) => `(${a})`).join(' OR ');
}

/** key IN (...) for a set of keys: single-column keys as a plain list, composite ones as tuples. */
export function keyInSql(keyColumns: readonly ColumnSchema[], keys: ReadonlyArray<readonly RowValue[]>): string {
  if (keyColumns.length === 1) {
    const column = keyColumns[0] as ColumnSchema;
    return `${quoteIdentifier(column.name)} IN (${keys.map((k) => sqlLiteral(column, k[0] ?? null)).join(', ')})`;
  }
  const names = keyColumns.map((c) => quoteIdentifier(c.name)).join(', ');
  const tuples = keys.map((k) => `(${keyColumns.map((c, i) => sqlLiteral(c, k[i] ?? null)).join(', ')})`);
  return `(${names}) IN (${tuples.join(', ')})`;
}
