import type { DefinitionVersion } from '../checkpoint/definition-history.js';
import { positionKey, type Boundary } from '../core/position.js';
import type { TableSchema } from '../core/table-schema.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import type { Queryable } from '../mysql/query-rows.js';
import { readBinlogHead } from './binlog-head.js';

const NONE: readonly string[] = [];

/**
 * The source database's tables as scsc last read them (a table again when the stream reads DDL that
 * names it), plus every earlier definition seen since start: rows logged before an ALTER, RENAME or
 * DROP may be read after it, and without FULL row metadata the binlog does not say which columns
 * they had. A restart resumes with the definitions recorded for where it starts (resumeFrom), and a
 * DDL the stream reads again takes the definition recorded for it instead of today's.
 */
export class SourceSchemaCache {
  private tables = new Map<string, TableSchema>();
  private readonly history = new Map<string, TableSchema[]>();
  /** The end of the source's binlog when all tables were read, and when single tables were read again since (undefined: it could not be read). */
  private readAt: Boundary | undefined;
  /** Where the binlog ended just before all tables were read: the definitions hold from there on (until the next DDL). */
  private readFrom: Boundary | undefined;
  private readonly tableReadAt = new Map<string, Boundary | undefined>();
  /** Recorded definitions for DDL ahead of the restart point, by table and the DDL's end. */
  private readonly recorded = new Map<string, Map<string, DefinitionVersion>>();
  /** Today's definitions of the tables that resumed with a recorded one and have read no DDL since, checked once the stream passes `checkAtKey`. */
  private resumedWith = new Map<string, TableSchema | undefined>();
  private checkAtKey: string | undefined;

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

  /** The definitions as last read in full, of these tables, as versions that hold from where the binlog ended just before (none when that is unknown). */
  versionsAsRead(selects: (table: string) => boolean): DefinitionVersion[] {
    const from = this.readFrom;
    if (from === undefined) return [];
    return this.all().filter((t) => selects(t.name)).map((schema) => ({ table: schema.name, validFrom: positionKey(from), readAt: this.readAt, schema }));
  }

  /**
   * Before a restart reads from `fromKey`: each table takes the last recorded definition that holds
   * there; the ones recorded for later DDL wait for it (afterDdl). Returns the tables whose definition
   * there differs from today's.
   */
  resumeFrom(fromKey: string, versions: readonly DefinitionVersion[]): string[] {
    const holding = new Map<string, DefinitionVersion>();
    for (const v of versions) {
      if (v.validFrom <= fromKey) {
        if (v.validFrom > (holding.get(v.table)?.validFrom ?? '')) holding.set(v.table, v);
      } else {
        this.keepAhead(v);
      }
    }
    const differing: string[] = [];
    for (const v of holding.values()) {
      const today = this.tables.get(v.table);
      if (!sameColumns(v.schema, today)) differing.push(v.table);
      this.resumedWith.set(v.table, today);
      this.adopt(v);
    }
    if (this.readAt !== undefined && this.resumedWith.size > 0) this.checkAtKey = positionKey(this.readAt);
    return differing;
  }

  /**
   * Once the stream has read past where the binlog ended when today's definitions were read, every
   * DDL in them has been read: a table that still holds a recorded definition other than today's was
   * changed without a DDL in the binlog (sql_log_bin = 0). It takes today's from here on; returns
   * such tables (once).
   */
  passed(position: Boundary): readonly string[] {
    if (this.checkAtKey === undefined || positionKey(position) < this.checkAtKey) return NONE;
    this.checkAtKey = undefined;
    const changed: string[] = [];
    for (const [name, today] of this.resumedWith) {
      if (sameColumns(this.tables.get(name), today)) continue;
      changed.push(name);
      if (today === undefined) this.tables.delete(name);
      else this.tables.set(name, today);
    }
    this.resumedWith = new Map();
    return changed;
  }

  /**
   * DDL that ends at `end` named these tables: their definitions from there on, recorded ones when a
   * restart read this DDL before, else read from the source now. Returns what was read, to record.
   */
  async afterDdl(tables: readonly string[], end: Boundary): Promise<DefinitionVersion[]> {
    const key = positionKey(end);
    for (const name of tables) this.resumedWith.delete(name);
    const known = tables.map((table) => this.recorded.get(table)?.get(key));
    if (known.every((v) => v !== undefined)) {
      for (const v of known) if (v !== undefined) this.adopt(v);
      return [];
    }
    const { at, found } = await this.read(tables);
    const versions = tables.map((name): DefinitionVersion => {
      // With lower_case_table_names, DDL may spell a table otherwise than the server stores it.
      const schema = found.find((t) => t.name === name) ?? found.find((t) => t.name.toLowerCase() === name.toLowerCase());
      return { table: schema?.name ?? name, validFrom: key, readAt: at, schema };
    });
    // A reconnect that replays this DDL (an undecided XA transaction holds the restart point) takes it again.
    for (const v of versions) this.keepAhead(v);
    return versions;
  }

  /** A version a DDL the stream reads (again) takes instead of reading the source. */
  private keepAhead(version: DefinitionVersion): void {
    const ahead = this.recorded.get(version.table) ?? new Map<string, DefinitionVersion>();
    ahead.set(version.validFrom, version);
    this.recorded.set(version.table, ahead);
  }

  private adopt(version: DefinitionVersion): void {
    this.tableReadAt.set(version.table, version.readAt);
    if (version.schema === undefined) {
      this.tables.delete(version.table);
      return;
    }
    this.tables.set(version.table, version.schema);
    this.remember(version.schema);
  }

  private remember(table: TableSchema): void {
    const versions = this.history.get(table.name) ?? [];
    const last = versions.at(-1);
    if (last === undefined || !sameColumns(last, table)) versions.push(table);
    this.history.set(table.name, versions);
  }

  /** Reads every table again (a table no longer there is forgotten, its history kept). */
  async refresh(): Promise<void> {
    await this.read(undefined);
  }

  /** Reads every table, or only these; returns where the binlog ended just after, and the tables found. */
  private async read(only: readonly string[] | undefined): Promise<{ at: Boundary | undefined; found: TableSchema[] }> {
    const from = only === undefined ? await readBinlogHead(this.db).catch(() => undefined) : undefined;
    const found = await introspectDatabase(this.db, this.database, only);
    // Read after the definitions: a DDL in them ends before this position (one logged in between counts as in them: a warning too many, never one too few).
    const at = await readBinlogHead(this.db).catch(() => undefined);
    if (only === undefined) {
      this.tables = new Map();
      this.readFrom = from;
      this.readAt = at;
      this.tableReadAt.clear();
    } else {
      for (const name of only) {
        this.tables.delete(name);
        this.tableReadAt.set(name, at);
      }
    }
    for (const table of found) {
      this.tables.set(table.name, table);
      if (only !== undefined) this.tableReadAt.set(table.name, at);
      this.remember(table);
    }
    return { at, found };
  }
}

/** Two definitions decode rows alike (undefined: no such table). */
function sameColumns(a: TableSchema | undefined, b: TableSchema | undefined): boolean {
  return JSON.stringify(a?.columns) === JSON.stringify(b?.columns);
}
