import mysql from 'mysql2';
import { columnClass, type ColumnClass } from '../core/column-class.js';
import { textBytesCharset, type RowValue } from '../core/row-value.js';
import { ScscError } from '../core/scsc-error.js';
import type { ColumnSchema } from '../core/table-schema.js';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const FLOATING = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * An exact SQL literal for a value of a column. Numbers are inlined unquoted (a quoted BIGINT beyond
 * 2^53 would be compared as a DOUBLE); floating values carry an exponent so the server parses them
 * as DOUBLE and rounds a FLOAT column back to the very same bits; bytes go as hex literals, with
 * their character set named when they are text (textBytes).
 */
export function sqlLiteral(column: ColumnSchema, value: RowValue): string {
  return literalWriter(column)(value);
}

/** sqlLiteral for one column, its type looked at once: for writing many values of it. */
export function literalWriter(column: ColumnSchema): (value: RowValue) => string {
  const kind = columnClass(column);
  const text = textLiteral(kind, column);
  return (value) => {
    if (value === null) return 'NULL';
    if (Buffer.isBuffer(value)) {
      // BIT compares as a number: `bit_col IN (X'01')` matches nothing, `bit_col IN (1)` does.
      if (kind === 'bit') return value.length === 0 ? '0' : BigInt(`0x${value.toString('hex')}`).toString();
      if (value.length === 0) return "''";
      const charset = textBytesCharset(value);
      return charset === undefined ? `X'${value.toString('hex')}'` : `_${charset} X'${value.toString('hex')}'`;
    }
    return text(value);
  };
}

function textLiteral(kind: ColumnClass, column: ColumnSchema): (value: string) => string {
  switch (kind) {
    case 'integer':
    case 'bit':
    case 'year':
      // YEAR unquoted: the number 0 is the year 0000, the string '0' is 2000.
      return (value) => checked(value, INTEGER, column);
    case 'decimal':
      return (value) => checked(value, DECIMAL, column);
    case 'float':
    case 'double':
      return (value) => {
        checked(value, FLOATING, column);
        return /e/i.test(value) ? value : `${value}e0`;
      };
    default:
      return (value) => mysql.escape(value);
  }
}

function checked(value: string, pattern: RegExp, column: ColumnSchema): string {
  if (!pattern.test(value)) {
    throw new ScscError('APPLY_FAILED', `value of column ${column.name} (${column.columnType}) is not a number: ${JSON.stringify(value.slice(0, 40))}: the row does not fit the target's column (another type there, or the row was decoded with another definition of its table)`);
  }
  return value;
}
