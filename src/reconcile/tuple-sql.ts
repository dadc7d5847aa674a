import { columnClass } from '../core/column-class.js';
import type { ColumnSchema } from '../core/table-schema.js';
import type { Flavour } from '../mysql/server-info.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { exactValueSql } from './canonical-row-sql.js';

/**
 * SQL that makes the source server render a row as a ready `(v1, v2, ...)` VALUES tuple, so the bulk
 * copy moves rows without decoding every value in JavaScript. The literals are the same exact forms
 * sqlLiteral() writes: integers and DECIMAL as written, FLOAT widened to DOUBLE and quoted (the
 * server parses quoted text with correct rounding back to the same bits), BIT as an integer, bytes
 * as X'..' hex, text (as utf8mb4), times, JSON and the rest quoted with QUOTE(), NULL as NULL.
 */
export function valuesTupleSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  const pieces = columns.map((column) => literalSql(column, flavour));
  return `CONCAT('(', ${pieces.join(", ',', ")}, ')')`;
}

function literalSql(column: ColumnSchema, flavour: Flavour): string {
  const name = quoteIdentifier(column.name);
  switch (columnClass(column)) {
    case 'integer':
    case 'decimal':
    case 'bit':
      return `IFNULL(${exactValueSql(column, flavour)}, 'NULL')`;
    case 'binary':
    case 'geometry':
      return `IFNULL(CONCAT('X''', HEX(${name}), ''''), 'NULL')`;
    case 'text':
      return column.charset === 'utf8mb4' ? `QUOTE(${name})` : `QUOTE(CONVERT(${name} USING utf8mb4))`;
    default:
      // QUOTE(NULL) is the word NULL, unquoted.
      return `QUOTE(${exactValueSql(column, flavour)})`;
  }
}
