/** What scsc knows about a table after introspection; pure data, shared by every component. */

export type GeneratedKind = 'virtual' | 'stored';

export interface ColumnSchema {
  name: string;
  /** 1-based position in the table. */
  ordinal: number;
  /** Lower-case base type as the server names it: int, varchar, decimal, geometry, uuid, ... */
  dataType: string;
  /** Exact declared type: `bigint(20) unsigned`, `decimal(65,30)`, `enum('a','b')`, `datetime(6)`. */
  columnType: string;
  nullable: boolean;
  /** Default expression as the server reports it (undefined when none). */
  defaultValue: string | undefined;
  generated: GeneratedKind | undefined;
  generationExpression: string | undefined;
  autoIncrement: boolean;
  unsigned: boolean;
  charset: string | undefined;
  collation: string | undefined;
  /** MariaDB stores JSON as LONGTEXT with a json_valid() check; true for JSON on both flavours. */
  json: boolean;
}

export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ForeignKeySchema {
  name: string;
  columns: string[];
  referencedDatabase: string;
  referencedTable: string;
  referencedColumns: string[];
  onUpdate: string;
  onDelete: string;
}

export interface TableSchema {
  database: string;
  name: string;
  engine: string | undefined;
  collation: string | undefined;
  /** The server's row estimate (information_schema TABLE_ROWS), for progress only. */
  rowsEstimate?: number;
  columns: ColumnSchema[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Unique keys other than the primary key. */
  uniqueKeys: IndexSchema[];
  foreignKeys: ForeignKeySchema[];
}

/**
 * The key scsc addresses rows by: the primary key, else the first unique key whose columns are all
 * NOT NULL (a nullable unique key admits duplicate NULL rows). Undefined when the table has neither.
 */
export function rowIdentityKey(table: TableSchema): { kind: 'primary' | 'unique'; name: string; columns: string[] } | undefined {
  if (table.primaryKey.length > 0) return { kind: 'primary', name: 'PRIMARY', columns: table.primaryKey };
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const usable = table.uniqueKeys.find((key) => key.columns.every((name) => byName.get(name)?.nullable === false));
  return usable === undefined ? undefined : { kind: 'unique', name: usable.name, columns: usable.columns };
}

/** The tables of `names` (same database, itself excepted) that `table` references by FK. */
export function fkParentsAmong(table: TableSchema, names: ReadonlySet<string>): Set<string> {
  return new Set(table.foreignKeys
    .filter((fk) => fk.referencedDatabase === table.database && fk.referencedTable !== table.name && names.has(fk.referencedTable))
    .map((fk) => fk.referencedTable));
}
