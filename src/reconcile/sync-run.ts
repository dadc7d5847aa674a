import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { DatabaseUrl } from '../config/database-url.js';
import { requireDatabases } from '../config/require-databases.js';
import { ScscError } from '../core/scsc-error.js';
import { tableFilter } from '../core/table-filter.js';
import type { TableSchema } from '../core/table-schema.js';
import { classifyMysqlError } from '../mysql/classify-mysql-error.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import { readServerInfo, type ServerInfo } from '../mysql/server-info.js';
import { openSessionPool, sessionSettingsSql } from '../mysql/session-pool.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { readTableTriggers, triggersReason } from '../mysql/table-triggers.js';
import { mapWithLimit } from './async-pool.js';
import { rowHashForm } from './canonical-row-sql.js';
import { childrenFirst, isReferenced } from './children-first.js';
import { mapParentsFirst } from './map-parents-first.js';
import { SqlSpool } from './sql-spool.js';
import { DEFAULT_DIFF_OPTIONS, type DiffOptions } from './table-differ.js';
import { pairTables } from './table-pairing.js';
import { runTable, type TableReport } from './table-run.js';
import { makeTableSide } from './table-side.js';

export interface SyncRunOptions {
  source: DatabaseUrl;
  target: DatabaseUrl;
  include: string[];
  exclude: string[];
  workers: number;
  batchSize: number;
  apply: boolean;
  collectSql: boolean;
  bulkCopyWhenEmpty: boolean;
  keepFkChecks: boolean;
  createMissing: boolean;
  /** Refuse tables that have triggers on the target (they would run for every row written). */
  refuseTargetTriggers?: boolean;
  diff?: Partial<DiffOptions>;
  /** Called once per table before it starts, with the server's row estimate, and with rows as they are hashed or copied. */
  onTableStart?: (table: string, estimatedRows: number) => void;
  onTableProgress?: (table: string, rows: number) => void;
  onTableDone?: (report: TableOutcome) => void;
  stopRequested?: () => boolean;
  /**
   * Read the source through this session instead of a pool of its own (the replicator's snapshot:
   * one transaction WITH CONSISTENT SNAPSHOT, so the copy matches a binlog position). Not closed here.
   */
  sourceSession?: Pool;
}

export type TableOutcome =
  | (TableReport & { error?: undefined; reason?: undefined })
  | { table: string; status: 'refused' | 'missing-on-target' | 'error' | 'stopped'; reason: string; error?: string };

export interface SyncRunReport {
  source: string;
  target: string;
  tables: TableOutcome[];
  seconds: number;
}

/**
 * One pass of the hash-diff engine over every selected table: `scsc sync` (apply, bulk copy into
 * empty tables) and `scsc reconcile` (plan only, or apply with --repair) are both this function.
 */
export async function runSync(options: SyncRunOptions): Promise<SyncRunReport> {
  const started = Date.now();
  const databases = requireDatabases(options.source, options.target);
  const connections = Math.max(2, options.workers * 2);
  // Both servers are reached at once (a remote server's handshake is a round trip or three).
  const [opened, openedTarget] = await Promise.allSettled([
    options.sourceSession ?? openSessionPool(options.source, { role: 'source', connections }),
    openSessionPool(options.target, { role: 'target', connections, keepFkChecks: options.keepFkChecks }),
  ]);
  if (opened.status === 'rejected' || openedTarget.status === 'rejected') {
    if (opened.status === 'fulfilled' && options.sourceSession === undefined) await opened.value.end().catch(() => undefined);
    if (openedTarget.status === 'fulfilled') await openedTarget.value.end().catch(() => undefined);
    // The source's failure first, as when they were reached one after the other.
    throw opened.status === 'rejected' ? opened.reason : (openedTarget as PromiseRejectedResult).reason;
  }
  const source = opened.value;
  const target = openedTarget.value;
  try {
    const [sourceInfo, targetInfo] = await Promise.all([readServerInfo(source), readServerInfo(target)]);
    const [sourceTables, targetTables] = await Promise.all([
      introspectDatabase(source, databases.source), introspectDatabase(target, databases.target),
    ]);
    const filter = tableFilter(options.include, options.exclude);
    const unknown = filter.unknownIncludes(sourceTables.map((t) => t.name));
    if (unknown.length > 0) {
      throw new ScscError('CONFIG_INVALID', `--include names table${unknown.length > 1 ? 's' : ''} not on the source database ${databases.source}: ${unknown.join(', ')}`, {
        fix: `check the spelling; the source has: ${sourceTables.slice(0, 20).map((t) => t.name).join(', ')}${sourceTables.length > 20 ? ', ...' : ''}`,
      });
    }
    const selected = sourceTables.filter((t) => filter.matches(t.name));
    const targetByName = new Map(targetTables.map((t) => [t.name, t]));
    const triggers = options.refuseTargetTriggers === true ? await readTableTriggers(target, databases.target) : new Map<string, string[]>();
    const maxBytes = Math.min(16 << 20, Number(targetInfo.variables.max_allowed_packet ?? 4 << 20) - (64 << 10));
    const limits = { rows: options.batchSize, bytes: Math.max(64 << 10, maxBytes) };

    // With FK checks on, a child table's rows need their parents on the target first, and a parent's
    // extra rows can go only after the child rows pointing at them: those deletes wait for the end.
    // The report lists tables in an order their statements can run in (parents first, deletes held
    // back for the end in the reverse order).
    const inOrder = options.keepFkChecks ? mapParentsFirst : mapWithLimit;
    const ordered = options.keepFkChecks ? childrenFirst(selected).reverse() : selected;
    const deferred = new Map<string, DeferredDeletes>();
    const tables = await inOrder(ordered, options.workers, async (schema): Promise<TableOutcome> => {
      const deleteLater = options.keepFkChecks && isReferenced(schema, selected) ? (run: DeferredDeletes) => deferred.set(schema.name, run) : undefined;
      const outcome = await runOne(schema, targetByName.get(schema.name), { source, target, sourceInfo, targetInfo, options, limits, triggers }, deleteLater);
      if (!deferred.has(schema.name)) options.onTableDone?.(outcome);
      return outcome;
    });
    for (let index = ordered.length - 1; index >= 0; index--) {
      const run = deferred.get((ordered[index] as TableSchema).name);
      const outcome = tables[index];
      if (run === undefined || outcome === undefined) continue;
      const done = await runDeferredDeletes(outcome, run, options);
      tables[index] = done;
      options.onTableDone?.(done);
    }
    return { source: options.source.display, target: options.target.display, tables, seconds: (Date.now() - started) / 1000 };
  } finally {
    await Promise.all([options.sourceSession === undefined ? source.end().catch(() => undefined) : undefined, target.end().catch(() => undefined)]);
  }
}

interface RunContext {
  source: Pool;
  target: Pool;
  sourceInfo: ServerInfo;
  targetInfo: ServerInfo;
  options: SyncRunOptions;
  limits: { rows: number; bytes: number };
  /** Target triggers by table, when tables with triggers are refused. */
  triggers: Map<string, string[]>;
}

type DeferredDeletes = () => Promise<{ statements: string[]; completed: boolean }>;

/** Runs a table's held-back deletes of extra rows (unless the table failed or the run stopped). */
async function runDeferredDeletes(outcome: TableOutcome, run: DeferredDeletes, options: SyncRunOptions): Promise<TableOutcome> {
  if (outcome.reason !== undefined || outcome.status === 'stopped') return outcome;
  if (options.stopRequested?.() === true) return { ...outcome, status: 'stopped' };
  try {
    const { statements, completed } = await run();
    const status = completed ? outcome.status : 'stopped';
    if (statements.length === 0) return { ...outcome, status };
    const deferredStatements = new SqlSpool(sessionSettingsSql(true));
    for (const sql of statements) deferredStatements.push(sql);
    return { ...outcome, status, deferredStatements };
  } catch (error) {
    return failedTable(outcome.table, error, options, 'deleting extra rows: ');
  }
}

/** A table's failure as its outcome. The outcome already names the table: a server's own message reads best on its own. */
function failedTable(table: string, error: unknown, options: SyncRunOptions, doing = ''): TableOutcome {
  const failure = error instanceof ScscError ? error : classifyMysqlError(error, 'server');
  const serverMessage = (error as { sqlMessage?: string } | undefined)?.sqlMessage;
  const reason = failure.code === 'SQL_FAILED' && serverMessage !== undefined ? serverMessage : failure.message;
  return { table, status: 'error', reason: `${doing}${reason}${writeDeniedHint(error, options)}`, error: failure.code };
}

async function runOne(schema: TableSchema, existing: TableSchema | undefined, context: RunContext, deleteLater?: (run: DeferredDeletes) => void): Promise<TableOutcome> {
  const { options } = context;
  if (options.stopRequested?.() === true) return { table: schema.name, status: 'stopped', reason: 'not started: the run was interrupted' };
  try {
    let targetSchema = existing;
    if (targetSchema === undefined) {
      if (!options.createMissing || !options.apply) {
        return { table: schema.name, status: 'missing-on-target', reason: options.createMissing ? 'would be created from the source DDL (dry run)' : 'table missing on the target (use --create-missing to create it from the source DDL)' };
      }
      targetSchema = await createOnTarget(schema, context);
    }
    const pairing = pairTables(schema, targetSchema);
    if (!pairing.ok) return { table: schema.name, status: 'refused', reason: pairing.reason };
    const triggers = context.triggers.get(targetSchema.name);
    if (triggers !== undefined) {
      return { table: schema.name, status: 'refused', reason: `${triggersReason(schema.name, triggers)}: drop them there (a replica's triggers do not run for replicated rows), or pass --fire-triggers` };
    }
    const { table } = pairing;
    const hash = rowHashForm(context.sourceInfo, context.targetInfo);
    const sourceSide = makeTableSide('source', context.source, context.sourceInfo, schema, table.columns, table.key.columns, hash);
    const targetSide = makeTableSide('target', context.target, context.targetInfo, targetSchema, table.columns, table.key.columns, hash);
    options.onTableStart?.(schema.name, schema.rowsEstimate ?? 0);
    return await runTable(sourceSide, targetSide, table, {
      apply: options.apply,
      collectSql: options.collectSql,
      bulkCopyWhenEmpty: options.bulkCopyWhenEmpty,
      keepFkChecks: options.keepFkChecks,
      batch: context.limits,
      diff: { ...DEFAULT_DIFF_OPTIONS, ...options.diff },
      onProgress: (rows) => options.onTableProgress?.(schema.name, rows),
      ...(options.stopRequested === undefined ? {} : { stopRequested: options.stopRequested }),
      ...(deleteLater === undefined ? {} : { deleteLater }),
    });
  } catch (error) {
    return failedTable(schema.name, error, options);
  }
}

/** What to do when the target refuses a write: the grant it needs, or the read-only alternative. */
function writeDeniedHint(error: unknown, options: SyncRunOptions): string {
  const { code, sqlMessage } = (error ?? {}) as { code?: string; sqlMessage?: string };
  if (code === 'ER_OPTION_PREVENTS_STATEMENT') return ' (the target server is read-only: SET GLOBAL read_only = OFF, or sync into a writable server)';
  const denied = code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR';
  if (!denied || !/\b(INSERT|UPDATE|DELETE|CREATE)\b/.test(sqlMessage ?? '')) return '';
  const database = quoteIdentifier(options.target.database ?? '');
  const needed = options.createMissing ? 'INSERT, UPDATE, DELETE, CREATE' : 'INSERT, UPDATE, DELETE';
  return ` (the target user needs GRANT ${needed} ON ${database}.*; scsc reconcile compares without writing)`;
}

async function createOnTarget(schema: TableSchema, context: RunContext): Promise<TableSchema> {
  const [rows] = await context.source.query<RowDataPacket[]>(`SHOW CREATE TABLE ${quoteIdentifier(schema.database)}.${quoteIdentifier(schema.name)}`);
  const ddl = String(rows[0]?.['Create Table'] ?? '');
  await context.target.query(ddl);
  const database = context.options.target.database as string;
  const created = (await introspectDatabase(context.target, database)).find((t) => t.name === schema.name);
  if (created === undefined) throw new ScscError('SQL_FAILED', `table ${schema.name} was created on the target but cannot be read back`);
  return created;
}
