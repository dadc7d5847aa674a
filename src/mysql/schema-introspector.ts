import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema } from '../core/table-schema.js';
import { num, queryRows, str, type Queryable, type Row } from './query-rows.js';

export const SYSTEM_DATABASES = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/**
 * User databases, without the server's own schemas. Names compare exactly: with case-sensitive
 * names (lower_case_table_names=0) a database `Sys` or `MySQL` is a user's; only information_schema
 * is case-insensitive everywhere.
 */
export async function listDatabases(db: Queryable): Promise<string[]> {
  const rows = await queryRows(db, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME');
  return rows.map((row) => str(row.name) ?? '')
    .filter((name) => !SYSTEM_DATABASES.includes(name) && name.toLowerCase() !== 'information_schema');
}

const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real']);

/**
 * Reads every base table of a database from information_schema in five queries (not per table), so
 * a schema with thousands of tables is read in one round of queries. `only`: just these tables (those
 * that exist).
 */
/** The table of `tables` named `name`, or, as lower_case_table_names lets DDL spell it, named so in another case. */
export function tableNamed(tables: readonly TableSchema[], name: string): TableSchema | undefined {
  return tables.find((t) => t.name === name) ?? tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

export async function introspectDatabase(db: Queryable, database: string, only?: readonly string[]): Promise<TableSchema[]> {
  if (only?.length === 0) return [];
  const named = only === undefined ? '' : ' AND TABLE_NAME IN (?)';
  const params = only === undefined ? [database] : [database, only];
  const [tables, columns, indexes, foreignKeys, jsonColumns] = await Promise.all([
    queryRows(db, `SELECT TABLE_NAME AS t, ENGINE AS engine, TABLE_COLLATION AS collation, TABLE_ROWS AS estimate FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ?${named} AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME`, params),
    queryRows(db, `SELECT TABLE_NAME AS t, COLUMN_NAME AS name, ORDINAL_POSITION AS ord, DATA_TYPE AS dataType,
      COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, EXTRA AS extra,
      CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, GENERATION_EXPRESSION AS expr
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?${named} ORDER BY TABLE_NAME, ORDINAL_POSITION`, params),
    queryRows(db, `SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col
      FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?${named} ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, params),
    queryRows(db, `SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
      k.REFERENCED_TABLE_SCHEMA AS refDb, k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refCol,
      r.UPDATE_RULE AS onUpdate, r.DELETE_RULE AS onDelete
      FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
        ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
      WHERE k.TABLE_SCHEMA = ?${named.replace('TABLE_NAME', 'k.TABLE_NAME')} AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`, params),
    readMariaDbJsonColumns(db, named, params),
  ]);

  const byTable = new Map<string, TableSchema>();
  for (const row of tables) {
    const name = str(row.t) ?? '';
    byTable.set(name, {
      database, name, engine: str(row.engine), collation: str(row.collation), rowsEstimate: num(row.estimate) || 0,
      columns: [], primaryKey: [], uniqueKeys: [], foreignKeys: [],
    });
  }
  for (const row of columns) {
    const table = byTable.get(str(row.t) ?? '');
    if (table !== undefined) table.columns.push(toColumn(row, jsonColumns.has(`${table.name}\u0000${str(row.name)}`)));
  }
  for (const [tableName, index] of groupIndexes(indexes)) {
    const table = byTable.get(tableName);
    if (table === undefined || !index.unique) continue;
    if (index.name === 'PRIMARY') table.primaryKey = index.columns;
    else table.uniqueKeys.push(index);
  }
  for (const [tableName, fk] of groupForeignKeys(foreignKeys)) byTable.get(tableName)?.foreignKeys.push(fk);
  return [...byTable.values()];
}

function toColumn(row: Row, isMariaDbJson: boolean): ColumnSchema {
  const extra = (str(row.extra) ?? '').toLowerCase();
  const dataType = (str(row.dataType) ?? '').toLowerCase();
  const columnType = str(row.columnType) ?? dataType;
  const expression = str(row.expr);
  const nullable = str(row.nullable) === 'YES';
  const dflt = str(row.dflt);
  return {
    name: str(row.name) ?? '',
    ordinal: num(row.ord),
    dataType,
    columnType,
    nullable,
    // MariaDB reports the absent default of a nullable column as the expression `NULL` (its string
    // defaults come quoted); MySQL reports SQL NULL. Both mean no default value here. (MySQL does not
    // quote string defaults, so there a nullable column with DEFAULT 'NULL' reads as no default.)
    defaultValue: nullable && dflt === 'NULL' ? undefined : dflt,
    generated: extra.includes('stored generated') || extra.includes('persistent') ? 'stored'
      : extra.includes('virtual generated') || extra.includes('virtual') ? 'virtual' : undefined,
    generationExpression: expression === undefined || expression === '' ? undefined : expression,
    autoIncrement: extra.includes('auto_increment'),
    // Only numbers are signed or not: `enum('signed','unsigned')` is not an unsigned column.
    unsigned: NUMERIC_TYPES.has(dataType) && /\bunsigned\b/i.test(columnType),
    charset: str(row.charset),
    collation: str(row.collation),
    json: dataType === 'json' || isMariaDbJson,
  };
}

/** MariaDB declares JSON columns as LONGTEXT CHECK (json_valid(`col`)); find those checks. */
async function readMariaDbJsonColumns(db: Queryable, named: string, params: unknown[]): Promise<Set<string>> {
  let rows: Row[];
  try {
    rows = await queryRows(db, `SELECT TABLE_NAME AS t, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = ?${named} AND CHECK_CLAUSE LIKE '%json_valid%'`, params);
  } catch {
    return new Set();
  }
  const found = new Set<string>();
  for (const row of rows) {
    const match = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec((str(row.clause) ?? '').trim());
    if (match?.[1] !== undefined) found.add(`${str(row.t)}\u0000${match[1].replace(/``/g, '`')}`);
  }
  return found;
}

function groupIndexes(rows: Row[]): Array<[string, IndexSchema]> {
  const grouped = new Map<string, [string, IndexSchema]>();
  const unusable = new Set<string>();
  for (const row of rows) {
    const table = str(row.t) ?? '';
    const name = str(row.name) ?? '';
    const id = `${table}\u0000${name}`;
    const column = str(row.col);
    // MySQL 8 functional key parts have no column name: such an index cannot address rows.
    if (column === undefined) unusable.add(id);
    let entry = grouped.get(id);
    if (entry === undefined) {
      entry = [table, { name, columns: [], unique: Number(str(row.nonUnique)) === 0 }];
      grouped.set(id, entry);
    }
    if (column !== undefined) entry[1].columns.push(column);
  }
  return [...grouped].filter(([id]) => !unusable.has(id)).map(([, entry]) => entry);
}

function groupForeignKeys(rows: Row[]): Array<[string, ForeignKeySchema]> {
  const grouped = new Map<string, [string, ForeignKeySchema]>();
  for (const row of rows) {
    const table = str(row.t) ?? '';
    const id = `${table}\u0000${str(row.name)}`;
    let entry = grouped.get(id);
    if (entry === undefined) {
      entry = [table, {
        name: str(row.name) ?? '', columns: [], referencedDatabase: str(row.refDb) ?? '',
        referencedTable: str(row.refTable) ?? '', referencedColumns: [],
        onUpdate: str(row.onUpdate) ?? 'RESTRICT', onDelete: str(row.onDelete) ?? 'RESTRICT',
      }];
      grouped.set(id, entry);
    }
    entry[1].columns.push(str(row.col) ?? '');
    entry[1].referencedColumns.push(str(row.refCol) ?? '');
  }
  return [...grouped.values()];
}
