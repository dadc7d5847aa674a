import type { ColumnSchema, TableSchema } from '../core/table-schema.js';
import { rowIdentityKey } from '../core/table-schema.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';

/** What the applier needs to know of one target table. */
export interface TargetTable {
  schema: TableSchema;
  /** `db`.`table` */
  from: string;
  /** Columns scsc writes: every stored, non-generated column, by lower-case name. */
  writable: Map<string, ColumnSchema>;
  keyColumns: ColumnSchema[];
  /** Unique keys besides the row identity: upserts could hit another row, so order is kept. */
  otherUniqueKeys: boolean;
}

export function targetTable(schema: TableSchema): TargetTable | undefined {
  const identity = rowIdentityKey(schema);
  if (identity === undefined) return undefined;
  const byName = new Map(schema.columns.map((c) => [c.name.toLowerCase(), c]));
  const keyColumns = identity.columns.map((name) => byName.get(name.toLowerCase())).filter((c): c is ColumnSchema => c !== undefined);
  return {
    schema,
    from: qualifiedTable(schema.database, schema.name),
    writable: new Map(schema.columns.filter((c) => c.generated === undefined).map((c) => [c.name.toLowerCase(), c])),
    keyColumns,
    otherUniqueKeys: schema.uniqueKeys.some((k) => k.name !== identity.name) || (identity.kind === 'unique' && schema.primaryKey.length > 0),
  };
}
