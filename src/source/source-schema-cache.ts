import type { TableSchema } from '../core/table-schema.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import type { Queryable } from '../mysql/query-rows.js';

/**
 * The source database's tables as scsc last read them (refreshed after DDL in the stream), plus
 * every earlier definition seen since start: rows logged before an ALTER, RENAME or DROP may be read
 * after it, and without FULL row metadata the binlog does not say which columns they had.
 */
export class SourceSchemaCache {
  private tables = new Map<string, TableSchema>();
  private readonly history = new Map<string, TableSchema[]>();

  constructor(private readonly db: Queryable, readonly database: string) {}

  static async load(db: Queryable, database: string): Promise<SourceSchemaCache> {
    const cache = new SourceSchemaCache(db, database);
    await cache.refresh();
    return cache;
  }

  get(table: string): TableSchema | undefined {
    return this.tables.get(table);
  }

  all(): TableSchema[] {
    return [...this.tables.values()];
  }

  /** The latest definition of `table` with this many columns: today's, else an earlier one. */
  withColumnCount(table: string, count: number): TableSchema | undefined {
    const current = this.tables.get(table);
    if (current?.columns.length === count) return current;
    return this.history.get(table)?.findLast((t) => t.columns.length === count);
  }

  async refresh(): Promise<void> {
    const tables = await introspectDatabase(this.db, this.database);
    this.tables = new Map(tables.map((t) => [t.name, t]));
    for (const table of tables) {
      const versions = this.history.get(table.name) ?? [];
      const last = versions.at(-1);
      if (last === undefined || JSON.stringify(last.columns) !== JSON.stringify(table.columns)) versions.push(table);
      this.history.set(table.name, versions);
    }
  }
}
