import { positionKey, type Boundary } from '../core/position.js';
import type { TableSchema } from '../core/table-schema.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import type { Queryable } from '../mysql/query-rows.js';
import { readBinlogHead } from './binlog-head.js';

/**
 * The source database's tables as scsc last read them (a table again when the stream reads DDL that
 * names it), plus every earlier definition seen since start: rows logged before an ALTER, RENAME or
 * DROP may be read after it, and without FULL row metadata the binlog does not say which columns
 * they had.
 */
export class SourceSchemaCache {
  private tables = new Map<string, TableSchema>();
  private readonly history = new Map<string, TableSchema[]>();
  /** The end of the source's binlog when all tables were read, and when single tables were read again since (undefined: it could not be read). */
  private readAt: Boundary | undefined;
  private readonly tableReadAt = new Map<string, Boundary | undefined>();

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

  /** Whether `table` was last read after this binlog position (so a DDL that ends there is already in what scsc holds). */
  readAfter(table: string, position: Boundary): boolean {
    const at = this.tableReadAt.has(table) ? this.tableReadAt.get(table) : this.readAt;
    return at !== undefined && positionKey(at) > positionKey(position);
  }

  /** Reads every table again, or only these (a table no longer there is forgotten, its history kept). */
  async refresh(only?: readonly string[]): Promise<void> {
    const tables = await introspectDatabase(this.db, this.database, only);
    // Read after the definitions: a DDL in them ends before this position (one logged in between counts as in them: a warning too many, never one too few).
    const at = await readBinlogHead(this.db).catch(() => undefined);
    if (only === undefined) {
      this.tables = new Map();
      this.readAt = at;
      this.tableReadAt.clear();
    } else {
      for (const name of only) {
        this.tables.delete(name);
        this.tableReadAt.set(name, at);
      }
    }
    for (const table of tables) {
      this.tables.set(table.name, table);
      const versions = this.history.get(table.name) ?? [];
      const last = versions.at(-1);
      if (last === undefined || JSON.stringify(last.columns) !== JSON.stringify(table.columns)) versions.push(table);
      this.history.set(table.name, versions);
    }
  }
}
