import { columnClass, type ColumnClass } from '../core/column-class.js';
import type { ColumnSchema, TableSchema } from '../core/table-schema.js';
import { versionAtLeast, type Flavour, type ServerInfo } from '../mysql/server-info.js';
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
 * column holds the same value: numbers and times as exact text, text as utf8mb4 bytes, binary and
 * geometry as bytes, NULL as 'N' (which no value piece equals), variable-length pieces prefixed with
 * their byte length so no two rows concatenate to the same string. Only work that changes bytes is
 * done: utf8mb4 text is used as stored, and the last column needs no length prefix.
 *
 * Both servers must produce the same bytes for the same values even where the column definitions
 * differ (latin1 vs utf8mb4, NULL vs NOT NULL), so every piece is written to give identical bytes
 * for non-NULL values whatever its nullability.
 */
export function canonicalRowSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  const pieces = columns.map((column, i) => canonicalPieceSql(column, flavour, i === columns.length - 1));
  return pieces.length === 1 ? (pieces[0] as string) : `CONCAT_WS(',', ${pieces.join(', ')})`;
}

const UTF8MB4_OR_BYTES = new Set(['utf8mb4', 'binary']);

function canonicalPieceSql(column: ColumnSchema, flavour: Flavour, last: boolean): string {
  const name = quoteIdentifier(column.name);
  const kind = columnClass(column);
  if (FIXED_ALPHABET.has(kind)) {
    const text = kind === 'bit' || kind === 'float' ? exactValueSql(column, flavour) : name;
    return column.nullable ? `IFNULL(${text}, 'N')` : text;
  }
  let bytes: string;
  if (kind === 'json') bytes = exactValueSql(column, flavour);
  else if (kind === 'text' && !UTF8MB4_OR_BYTES.has(column.charset ?? '')) bytes = `CONVERT(${name} USING utf8mb4)`;
  else bytes = name;
  const framed = last ? `CONCAT('=', ${bytes})` : `CONCAT(LENGTH(${bytes}), ':', ${bytes})`;
  return column.nullable ? `IFNULL(${framed}, 'N')` : framed;
}

/**
 * How a pair of servers turns a row into the 64-bit hash that BIT_XOR combines; both servers must
 * compute the same one. Either form is 64 bits of the row's SHA1, non-linear: with a CRC of the row
 * itself, whose changes are linear in the input, two rows changed the same way (same byte delta at
 * the same offset) cancel in the XOR of a chunk.
 * - `sha1-crc`: CRC32 and CRC32C of the SHA1, side by side (MariaDB 10.8+, which has CRC32C):
 *   cheaper than CONV of hex digits.
 * - `sha1-conv`: the first 16 hex digits of the SHA1 as a number, on any server (MySQL 8 deprecates
 *   the user variable the other form assigns).
 */
export type RowHashForm = 'sha1-crc' | 'sha1-conv';

type Version = Pick<ServerInfo, 'flavour' | 'major' | 'minor' | 'patch'>;

/** The row hash both servers of a pair can compute: the cheaper one only when each has CRC32C. */
export function rowHashForm(source: Version, target: Version): RowHashForm {
  const hasCrc32c = (server: Version): boolean => server.flavour === 'mariadb' && versionAtLeast(server, 10, 8);
  return hasCrc32c(source) && hasCrc32c(target) ? 'sha1-crc' : 'sha1-conv';
}

/** The row's 64-bit hash as an unsigned integer, for BIT_XOR over a range. */
export function rowHashSql(columns: readonly ColumnSchema[], flavour: Flavour, form: RowHashForm): string {
  if (form === 'sha1-conv') return `CAST(CONV(${rowDigestSql(columns, flavour)}, 16, 10) AS UNSIGNED)`;
  // The order in which the server evaluates the two halves is not defined, but IF evaluates its
  // condition before its branch: both halves read this row's SHA1, never another row's or one left in
  // the session by an earlier query. The NULL branch (never taken) keeps the type BIGINT UNSIGNED.
  return `IF((@_scsc_h := SHA1(${canonicalRowSql(columns, flavour)})) IS NULL, NULL, CRC32(@_scsc_h) << 32 | CRC32C(@_scsc_h))`;
}

/** 64 bits of the row's SHA1 as 16 hex digits, for rows compared one by one (no conversion to a number). */
export function rowDigestSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  return `LEFT(SHA1(${canonicalRowSql(columns, flavour)}), 16)`;
}
