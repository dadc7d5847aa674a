import type { DefinitionVersion } from '../checkpoint/definition-history.js';
import { positionKey, type Boundary } from '../core/position.js';
import type { TableSchema } from '../core/table-schema.js';
import { introspectDatabase, tableNamed } from '../mysql/schema-introspector.js';
import type { Queryable } from '../mysql/query-rows.js';
import { readBinlogHead } from './binlog-head.js';
import type { TargetDefinitions } from './ddl-on-target.js';

const NONE: readonly string[] = [];

/** What afterDdl needs for a DDL the target runs too (see DdlOnTarget). */
export interface DdlTargetView {
  /** The definitions the rows before the DDL were decoded with. */
  before: ReadonlyMap<string, TableSchema | undefined>;
  /** The target's definitions around the DDL once the applier ran it (undefined: it did not). */
  applied: () => Promise<TargetDefinitions | undefined>;
}

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
  /**
   * Tables decoded with a definition other than the source's as last read (recorded for a restart
   * point, or left by a DDL as the target ran it) and with no DDL read since: the source's, and the
   * position where it was read, past which every DDL before it has been read (see passed).
   */
  private readonly checks = new Map<string, { today: TableSchema | undefined; atKey: string }>();
  /** The lowest atKey among `checks`, if any. */
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
      this.checkLater(v.table, today, this.readAt);
      this.adopt(v);
    }
    return differing;
  }

  private checkLater(table: string, today: TableSchema | undefined, readAt: Boundary | undefined): void {
    if (readAt === undefined) return;
    const atKey = positionKey(readAt);
    this.checks.set(table, { today, atKey });
    if (this.checkAtKey === undefined || atKey < this.checkAtKey) this.checkAtKey = atKey;
  }

  /**
   * Once the stream has read past where the binlog ended when the source's definitions were read,
   * every DDL in them has been read: a table that still holds another definition (recorded, or left
   * by a DDL on the target) was changed without a DDL in the binlog (sql_log_bin = 0). It takes the
   * source's from here on; returns such tables (once).
   */
  passed(position: Boundary): readonly string[] {
    if (this.checkAtKey === undefined) return NONE;
    const key = positionKey(position);
    if (key < this.checkAtKey) return NONE;
    this.checkAtKey = undefined;
    const changed: string[] = [];
    for (const [name, { today, atKey }] of this.checks) {
      if (atKey > key) {
        if (this.checkAtKey === undefined || atKey < this.checkAtKey) this.checkAtKey = atKey;
        continue;
      }
      this.checks.delete(name);
      if (sameColumns(this.tables.get(name), today)) continue;
      changed.push(name);
      if (today === undefined) this.tables.delete(name);
      else this.tables.set(name, today);
    }
    return changed;
  }

  /** The stream has just read DDL naming these tables: what they held before is no longer checked (passed); afterDdl reads what holds after it. */
  ddlRead(tables: readonly string[]): void {
    for (const name of tables) this.checks.delete(name);
  }

  /**
   * DDL that ends at `end` named these tables: their definitions from there on, recorded ones when a
   * restart read this DDL before, else read from the source now. With `onTarget` (the definitions
   * rows before the DDL were decoded with, and the target's around the DDL once the applier ran it):
   * a table the target held exactly as scsc did before the DDL, and that differs on the source now
   * from what the DDL left on the target, was changed again since; the target's is taken, and the
   * source's from where it was read on (passed). Returns the versions to record, and the tables
   * taken from the target.
   */
  async afterDdl(tables: readonly string[], end: Boundary, onTarget?: DdlTargetView): Promise<{ read: DefinitionVersion[]; fromTarget: string[] }> {
    const key = positionKey(end);
    this.ddlRead(tables);
    const known = tables.map((table) => this.recordedFor(table)?.get(key));
    if (known.every((v) => v !== undefined)) {
      for (const v of known) if (v !== undefined) this.adopt(v);
      return { read: [], fromTarget: [] };
    }
    const { at, found } = await this.read(tables);
    const applied = onTarget === undefined || at === undefined ? undefined : await onTarget.applied();
    const fromTarget: string[] = [];
    const versions = tables.map((name): DefinitionVersion => {
      const schema = tableNamed(found, name);
      const table = schema?.name ?? name;
      const left = applied?.after.get(name);
      const mirrored = applied !== undefined && onTarget !== undefined && this.targetStandsIn(name, onTarget.before, applied);
      if (left === undefined || !mirrored) return { table, validFrom: key, readAt: at, schema };
      if (sameColumns(left, schema)) {
        // The source still has what the target shows the DDL left: what was read holds from the DDL's end, however much later it was read.
        const confirmed = { table, validFrom: key, readAt: end, schema };
        this.adopt(confirmed);
        return confirmed;
      }
      fromTarget.push(table);
      this.checkLater(table, schema, at);
      const foreignKeys = left.foreignKeys.map((fk) => (fk.referencedDatabase === left.database ? { ...fk, referencedDatabase: this.database } : fk));
      const version = { table, validFrom: key, readAt: end, schema: { ...left, name: table, database: this.database, foreignKeys } };
      this.adopt(version);
      return version;
    });
    // A reconnect that replays this DDL (an undecided XA transaction holds the restart point) takes it again.
    for (const v of versions) this.keepAhead(v);
    return { read: versions, fromTarget };
  }

  /**
   * Whether the DDL left a table on the target as on the source: the target held it as scsc did
   * before. A CREATE's table is what the statement makes, not what was there (unless it replaces, it
   * makes one only where there was none): the same when it spells the whole definition alike, or is
   * LIKE a table both held alike. After a RENAME a name holds the table renamed to it.
   */
  private targetStandsIn(name: string, held: ReadonlyMap<string, TableSchema | undefined>, applied: TargetDefinitions): boolean {
    const origin = applied.origins?.has(name) === true ? applied.origins.get(name) : name;
    if (origin === undefined) return false;
    const before = held.get(origin);
    const onTarget = applied.before.get(origin);
    const create = applied.create;
    if (create === undefined || (!create.replace && (before !== undefined || onTarget !== undefined))) return sameDefinition(before, onTarget);
    if (applied.like !== undefined) return sameDefinition(this.tables.get(applied.like.table), applied.like.definition);
    return create.alike;
  }

  /** The versions kept for this table's DDL ahead; with lower_case_table_names, DDL may spell it otherwise. */
  private recordedFor(table: string): Map<string, DefinitionVersion> | undefined {
    const exact = this.recorded.get(table);
    if (exact !== undefined) return exact;
    for (const [name, versions] of this.recorded) if (name.toLowerCase() === table.toLowerCase()) return versions;
    return undefined;
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

/**
 * Two tables of different servers were defined alike before a DDL, so that the DDL leaves them alike:
 * the same columns (so types, character sets, ENUM/SET values), default collation (a column added
 * without one takes it) and keys. Both must exist: a CREATE takes the database's default, which may
 * differ between the servers.
 */
function sameDefinition(a: TableSchema | undefined, b: TableSchema | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const keys = (t: TableSchema): string => JSON.stringify([t.collation, t.primaryKey, t.uniqueKeys]);
  return sameColumns(a, b) && keys(a) === keys(b);
}

/** Two definitions decode rows alike (undefined: no such table). */
function sameColumns(a: TableSchema | undefined, b: TableSchema | undefined): boolean {
  return JSON.stringify(a?.columns) === JSON.stringify(b?.columns);
}
