import { columnClass, type ColumnClass } from '../core/column-class.js';
import type { ColumnSchema, TableSchema } from '../core/table-schema.js';
import type { Flavour } from '../mysql/server-info.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';

/** Classes whose text form uses a fixed alphabet without ',' so they need no length prefix. */
const FIXED_ALPHABET = new Set<ColumnClass>(['integer', 'decimal', 'float', 'double', 'bit', 'year', 'temporal']);

/**
 * The columns scsc compares and writes: every stored column; generated columns are derived by the
 * server and never written, so they are left out of hashes and writes alike.
 */
export function comparedColumns(table: TableSchema): ColumnSchema[] {
  return table.columns.filter((c) => c.generated === undefined);
}

/**
 * SQL for the exact value of one column as the server should hand it to scsc: FLOAT widened to
 * DOUBLE (the text protocol would round it to 6 digits), BIT as an unsigned integer, everything
 * else as stored. The session must run with time_zone '+00:00' so TIMESTAMP reads the same on both
 * servers.
 */
export function exactValueSql(column: ColumnSchema, flavour: Flavour): string {
  const name = quoteIdentifier(column.name);
  switch (columnClass(column)) {
    case 'float':
      return `CAST(${name} AS DOUBLE)`;
    case 'bit':
      // As bytes it would go back as X'..', which `IN (...)` does not match against a BIT column.
      return `CAST(${name} AS UNSIGNED)`;
    case 'json':
      return flavour === 'mysql' ? `CAST(${name} AS CHAR CHARACTER SET utf8mb4)` : name;
    default:
      return name;
  }
}

/**
 * One collation-independent byte string per row that two rows share exactly when every compared
 * column holds the same value: text in utf8mb4, binary and geometry as bytes, numbers and times as
 * exact text, NULL distinct from every value, each variable-length piece length-prefixed so no two
 * rows concatenate to the same string.
 */
export function canonicalRowSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  const pieces = columns.map((column) => canonicalPieceSql(column, flavour));
  return `CONCAT_WS(',', ${pieces.join(', ')})`;
}

function canonicalPieceSql(column: ColumnSchema, flavour: Flavour): string {
  const name = quoteIdentifier(column.name);
  const kind = columnClass(column);
  let bytes: string;
  switch (kind) {
    case 'bit':
      bytes = `CAST(${name} AS UNSIGNED)`;
      break;
    case 'float':
    case 'json':
      bytes = `CAST(${exactValueSql(column, flavour)} AS BINARY)`;
      break;
    case 'text':
      bytes = `CAST(CONVERT(${name} USING utf8mb4) AS BINARY)`;
      break;
    case 'binary':
    case 'geometry':
      bytes = name;
      break;
    default:
      bytes = `CAST(${name} AS BINARY)`;
  }
  if (FIXED_ALPHABET.has(kind)) return `IFNULL(${bytes}, 'N')`;
  return `IFNULL(CONCAT(LENGTH(${bytes}), ':', ${bytes}), 'N')`;
}

/** 64 bits of MD5 over the canonical row, as an unsigned integer (non-linear, unlike CRC32). */
export function rowHashSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  return `CAST(CONV(LEFT(MD5(${canonicalRowSql(columns, flavour)}), 16), 16, 10) AS UNSIGNED)`;
}
