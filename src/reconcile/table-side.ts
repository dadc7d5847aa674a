import type { Pool } from 'mysql2/promise';
import type { RowValue } from '../core/row-value.js';
import type { ColumnSchema, TableSchema } from '../core/table-schema.js';
import { versionAtLeast, type Flavour, type ServerInfo } from '../mysql/server-info.js';
import { qualifiedTable, quoteIdentifier } from '../mysql/sql-identifier.js';
import { exactValueSql, rowDigestSql, rowHashSql, type RowHashForm } from './canonical-row-sql.js';

/**
 * One server's view of a table being compared: the same column list and key on both sides (the
 * source's stored columns, in the source's order), each with this server's own definitions.
 */
export interface TableSide {
  role: 'source' | 'target';
  pool: Pool;
  flavour: Flavour;
  /** MySQL 8.0.19+ upserts with a row alias (VALUES() is deprecated there); MariaDB uses VALUES(). */
  upsertRowAlias: boolean;
  schema: TableSchema;
  /** `db`.`table` */
  from: string;
  columns: ColumnSchema[];
  keyColumns: ColumnSchema[];
  /** Pre-built SQL fragments used by every query on this side. */
  sql: {
    /**
     * `db`.`t`.`a`, `db`.`t`.`b`: table-qualified so ORDER BY can never resolve a name to one of the
     * select list's aliases (a key column named k1 beside the alias k1 of another column).
     */
    keyList: string;
    /** `a` AS k0, CAST(`f` AS DOUBLE) AS k1: key columns read exactly under fixed aliases, read back with keyOf(). */
    keySelect: string;
    /** 64-bit row hash as an unsigned integer, for BIT_XOR over a range (the pair's RowHashForm). */
    rowHash: string;
    /** 64 bits of the row's SHA1 as 16 hex digits, for rows compared one by one. */
    rowDigest: string;
  };
}

/** `rowHash` is chosen for the pair (rowHashForm): both sides must hash rows the same way. */
export function makeTableSide(
  role: TableSide['role'], pool: Pool, server: ServerInfo, schema: TableSchema, columnNames: readonly string[], keyNames: readonly string[],
  rowHash: RowHashForm,
): TableSide {
  const flavour = server.flavour;
  const byName = new Map(schema.columns.map((c) => [c.name.toLowerCase(), c]));
  const pick = (name: string): ColumnSchema => {
    const column = byName.get(name.toLowerCase());
    if (column === undefined) throw new Error(`column ${name} missing on the ${role} table ${schema.name}`);
    return column;
  };
  const columns = columnNames.map(pick);
  const keyColumns = keyNames.map(pick);
  const from = qualifiedTable(schema.database, schema.name);
  return {
    role, pool, flavour, schema, columns, keyColumns, from,
    upsertRowAlias: flavour === 'mysql' && versionAtLeast(server, 8, 0, 19),
    sql: {
      keyList: keyColumns.map((c) => `${from}.${quoteIdentifier(c.name)}`).join(', '),
      // Read exactly (a FLOAT key through CAST AS DOUBLE): keys are written back into range bounds
      // and IN lists, where a rounded 6-digit FLOAT would match no row or the wrong one.
      keySelect: keyColumns.map((c, i) => `${exactValueSql(c, flavour)} AS k${i}`).join(', '),
      rowHash: rowHashSql(columns, flavour, rowHash),
      rowDigest: rowDigestSql(columns, flavour),
    },
  };
}

/** The key values of a row selected with side.sql.keySelect. */
export function keyOf(side: TableSide, row: Record<string, unknown>): RowValue[] {
  return side.keyColumns.map((_, i) => row[`k${i}`] as RowValue);
}
