import type { TableSchema } from '../core/table-schema.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import type { Queryable } from '../mysql/query-rows.js';

/** The source database's tables as scsc last read them; refreshed after DDL in the stream. */
export class SourceSchemaCache {
  private tables = new Map<string, TableSchema>();

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

  async refresh(): Promise<void> {
    const tables = await introspectDatabase(this.db, this.database);
    this.tables = new Map(tables.map((t) => [t.name, t]));
  }
}
