import type { Pool, PoolConnection } from 'mysql2/promise';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { tablesFingerprint, type DdlIntents } from '../checkpoint/ddl-intents.js';
import type { ChangeEvent, StatementSession } from '../core/change-event.js';
import { isRowChange } from '../core/change-event.js';
import { positionKey, type Boundary } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { sqlModeQuoting } from '../mysql/sql-mode.js';
import type { Logger } from '../observability/logger.js';
import { isTransient, withRetry } from './apply-retry.js';
import { fkCascadePlan, type FkCascadePlan } from './fk-cascades.js';
import { rowChangeStatements } from './row-change-statements.js';
import { applySessionSettings } from './apply-session-settings.js';
import type { SessionSetting } from './statement-session-settings.js';
import { targetTable, type TargetTable } from './target-table.js';

export interface MysqlApplierOptions {
  pool: Pool;
  /** The target database (the URL's). */
  database: string;
  /** The source database: DDL naming it is rewritten to the target's. */
  sourceDatabase: string;
  checkpoints: CheckpointStore;
  /** Notes each DDL before it runs, so a restart after a stop between the two does not run it again. */
  ddlIntents?: DdlIntents;
  logger: Logger;
  keepFkChecks: boolean;
  upsertRowAlias: boolean;
  limits: { rows: number; bytes: number };
  ddl: 'apply' | 'stop';
  /** The settings a source DDL ran under, for the target session that runs it (statementSessionSettings). */
  ddlSession?: (session: StatementSession | undefined, sql: string) => SessionSetting[];
  /** Retries of failed writes end once this is aborted (see withRetry). */
  stop: AbortSignal;
}

/** A lane's batch turned into statements, ready to be written with its checkpoint. */
export interface PreparedBatch {
  lane: string;
  statements: string[];
  rows: number;
  /** Its last change (the lane's checkpoint); undefined for an empty batch. */
  last: ChangeEvent | undefined;
  commitTime: number;
}

/** Errors a DDL statement gives when it already ran on the target (a restart right after it). */
const ALREADY_APPLIED = new Set([1050, 1051, 1060, 1061, 1091, 1826]);
export const DDL_LANE = '#ddl';

/**
 * Writes batches of row changes to the target, each batch and its lane's checkpoint in one
 * transaction (so a restart neither loses nor repeats a change), retrying transient errors.
 */
export class MysqlApplier {
  private tables = new Map<string, TargetTable | undefined>();
  private cascades: FkCascadePlan = fkCascadePlan([]);

  constructor(private readonly options: MysqlApplierOptions) {}

  async refreshSchema(): Promise<void> {
    const schemas = await introspectDatabase(this.options.pool, this.options.database);
    this.tables = new Map(schemas.map((s) => [s.name, targetTable(s)]));
    this.cascades = fkCascadePlan(schemas);
  }

  /** The target's FK cascades as of the last schema read: which tables must share a lane. */
  cascadePlan(): FkCascadePlan {
    return this.cascades;
  }

  hasTable(name: string): boolean {
    return this.tables.has(name);
  }

  /** The statements of a lane's batch (row changes and TRUNCATEs in source order); synchronous, so it can run while the lane's batch before it is in flight. */
  prepareBatch(lane: string, events: readonly ChangeEvent[]): PreparedBatch {
    const last = events.at(-1);
    const statements: string[] = [];
    let rows = 0;
    for (const segment of segmentsByTable(events)) {
      const table = this.table(segment.table);
      const cascades = this.cascades.cascadingParents.has(segment.table);
      const written = rowChangeStatements(table, segment.events, {
        ...this.options.limits,
        upsertRowAlias: this.options.upsertRowAlias,
        keepOrder: this.options.keepFkChecks || table.otherUniqueKeys || cascades,
        cascades,
        cascadeColumns: cascades ? this.cascades.cascadingColumns(segment.table) : [],
        sessionFkChecks: this.options.keepFkChecks,
      });
      for (const sql of written) statements.push(sql); // not push(...): a batch can make more statements than a call takes arguments
      rows += segment.events.filter(isRowChange).length;
    }
    return { lane, statements, rows, last, commitTime: latestCommitTime(events) };
  }

  /** Writes a prepared batch and the lane's checkpoint (restart point `resume`) in one transaction; returns the rows written. */
  async executeBatch(batch: PreparedBatch, resume: Boundary): Promise<number> {
    if (batch.last === undefined) return 0;
    const checkpoint = this.options.checkpoints.laneSql(batch.lane, batch.last.position, resume, batch.commitTime, batch.rows);
    await this.transaction(batch.lane, [...batch.statements, checkpoint]);
    return batch.rows;
  }

  /** Runs a DDL statement of the source on the target (or stops, with --ddl stop), then `ran` (if given), then records it. */
  async applyDdl(event: ChangeEvent, resume: Boundary, ran?: () => Promise<void>): Promise<void> {
    const sql = this.rewriteDatabase(event.sql ?? '', sqlModeQuoting(event.session?.sqlMode).ansiQuotes);
    const settings = this.options.ddlSession?.(event.session, sql) ?? [];
    if (this.options.ddl === 'stop') {
      const session = settings.map((setting) => setting.forms[0]);
      const under = session.length === 0 ? '' : ` in a session set up as the source's (SET SESSION ${session.join(', ')})`;
      throw new ScscError('DDL_STOPPED', `DDL on ${event.table === '' ? `the database ${this.options.sourceDatabase}` : event.table} at ${event.position.file}:${event.position.offset} with --ddl stop: ${sql.slice(0, 200)}`, {
        fix: `apply the same change to the target by hand${under}, then restart with --ddl apply (a change already on the target is recognised and skipped); or restart with --ddl apply to let scsc apply it`,
        details: { sql: sql.slice(0, 2000), ...(session.length === 0 ? {} : { session: `SET SESSION ${session.join(', ')}` }) },
      });
    }
    const intents = this.options.ddlIntents;
    const run = async (): Promise<void> => this.runInSession(sql, settings);
    if (intents === undefined) await this.runDdl(sql, run);
    else await this.runNotedDdl(sql, intents, positionKey(event.position), (event.ddlTables ?? []).map(([, table]) => table), run);
    await ran?.();
    await this.transaction(DDL_LANE, [this.options.checkpoints.laneSql(DDL_LANE, event.position, resume, event.commitTime, 0), ...(intents === undefined ? [] : [intents.clearSql()])]);
    await this.refreshSchema();
  }

  /**
   * Runs a DDL noted first with its tables as they are (DdlIntents): a note for it already there,
   * with the tables changed since, means it ran before a stop, or before a lost connection ended an
   * attempt (the server finishes the DDL on its own); it is not run again. A DDL the server refuses
   * did not run: its note goes, so a restart after a fix by hand runs it.
   */
  private async runNotedDdl(sql: string, intents: DdlIntents, key: string, tables: readonly string[], run: () => Promise<void>): Promise<void> {
    let noted: string | undefined;
    let read = false;
    await this.runDdl(sql, async () => {
      if (!read) {
        noted = await intents.noted(key);
        read = true;
      }
      const now = await tablesFingerprint(this.options.pool, this.options.database, tables);
      if (noted !== undefined && noted !== now) {
        this.options.logger.warn({ sql: sql.slice(0, 200), tables }, 'this DDL ran on the target before scsc stopped or lost the connection (its tables changed since scsc noted them, just before running it): not run again');
        return;
      }
      if (noted === undefined) {
        await intents.note(key, now);
        noted = now;
      }
      await run();
    }, async () => intents.clear());
  }

  /**
   * A DDL statement on a connection of its own set up as `settings` say (the source session's), which
   * is closed after it rather than set back: the pool's other connections keep scsc's settings.
   */
  private async runInSession(sql: string, settings: readonly SessionSetting[]): Promise<void> {
    const connection = await this.options.pool.getConnection();
    try {
      // A session keeps its database's default collation from when it chose the database: one opened
      // before an ALTER DATABASE would CREATE TABLEs with the old one. Choosing another and back reads it again.
      await connection.query(`USE information_schema; USE ${quoteIdentifier(this.options.database)}`);
      const left = await applySessionSettings(connection, settings);
      if (left.length > 0) this.options.logger.warn({ sql: sql.slice(0, 200), left }, 'the target does not take these settings the source ran this DDL under: it runs without them');
      await connection.query(sql);
    } finally {
      connection.destroy();
    }
  }

  private async runDdl(sql: string, attempt: () => Promise<unknown>, refused?: () => Promise<void>): Promise<void> {
    await withRetry(async () => {
      try {
        await attempt();
      } catch (error) {
        const errno = (error as { errno?: number }).errno;
        if (errno === undefined || !ALREADY_APPLIED.has(errno)) throw error;
        this.options.logger.warn({ sql: sql.slice(0, 200), reason: (error as Error).message }, 'DDL already applied on the target; skipped');
      }
    }, this.retryOptions(DDL_LANE)).catch(async (error: unknown) => {
      if (!isTransient(error)) await refused?.().catch(() => undefined);
      if (error instanceof ScscError) throw error;
      throw new ScscError('APPLY_FAILED', `the target refused DDL from the source: ${(error as Error).message} — statement: ${sql.slice(0, 200)}`, { cause: error });
    });
  }

  private table(name: string): TargetTable {
    const table = this.tables.get(name);
    if (table !== undefined) return table;
    throw new ScscError('APPLY_FAILED', this.tables.has(name)
      ? `target table ${this.options.database}.${name} has no primary key or NOT NULL unique key: its rows cannot be addressed`
      : `target table ${this.options.database}.${name} does not exist`, {
      fix: this.tables.has(name) ? 'add a primary key to the table on both servers' : `create it on the target (scsc sync --create-missing copies the source's definition), or --exclude ${name}`,
    });
  }

  /**
   * One transaction in as few round trips as the packet size allows: statements go together as a
   * multi-statement query (the pool is opened with multipleStatements), COMMIT with the last group.
   */
  private async transaction(lane: string, statements: readonly string[]): Promise<void> {
    const groups = packStatements(['START TRANSACTION', ...statements, 'COMMIT'], this.options.limits.bytes);
    await withRetry(async () => {
      let connection: PoolConnection | undefined;
      try {
        connection = await this.options.pool.getConnection();
        for (const group of groups) await connection.query(group);
        connection.release();
      } catch (error) {
        if (connection !== undefined) {
          await connection.query('ROLLBACK').catch(() => undefined);
          connection.destroy();
        }
        throw error;
      }
    }, this.retryOptions(lane)).catch((error: unknown) => {
      if (error instanceof ScscError) throw error;
      const message = (error as { sqlMessage?: string; message?: string }).sqlMessage ?? (error as Error).message;
      throw new ScscError('APPLY_FAILED', `lane ${lane}: the target refused a batch: ${message}`, { cause: error, details: { errno: (error as { errno?: number }).errno } });
    });
  }

  private retryOptions(lane: string): Parameters<typeof withRetry>[1] {
    return {
      firstMs: 200,
      maxMs: 10_000,
      stop: this.options.stop,
      onRetry: (error, attempt, waitMs) => this.options.logger.warn({ lane, attempt, waitMs, err: (error as Error).message }, 'target write failed; retrying'),
    };
  }

  private rewriteDatabase(sql: string, ansiQuotes: boolean): string {
    const { sourceDatabase: from, database: to } = this.options;
    if (from === to) return sql;
    const quoted = `\`${from.replace(/`/g, '``')}\``;
    const target = `\`${to.replace(/`/g, '``')}\``;
    const plain = /^[\w$]+$/.test(from) ? new RegExp(`(^|[\\s(,])${from}\\s*\\.`, 'g') : undefined;
    let result = sql.split(`${quoted}.`).join(`${target}.`);
    if (ansiQuotes) result = result.split(`"${from.replace(/"/g, '""')}".`).join(`${target}.`);
    if (plain !== undefined) result = result.replace(plain, `$1${target}.`);
    return result;
  }
}

function segmentsByTable(events: readonly ChangeEvent[]): Array<{ table: string; events: ChangeEvent[] }> {
  const segments: Array<{ table: string; events: ChangeEvent[] }> = [];
  for (const event of events) {
    if (!isRowChange(event) && event.kind !== 'truncate') continue;
    const current = segments.at(-1);
    if (current?.table === event.table) current.events.push(event);
    else segments.push({ table: event.table, events: [event] });
  }
  return segments;
}

/** Joins statements into multi-statement queries of at most `bytes` each (a longer statement goes alone). */
function packStatements(statements: readonly string[], bytes: number): string[] {
  const groups: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const sql of statements) {
    const length = byteSizeWithin(sql, bytes - size) + 2;
    if (current.length > 0 && size + length > bytes) {
      groups.push(current.join(';\n'));
      current = [];
      size = 0;
    }
    current.push(sql);
    size += length;
  }
  if (current.length > 0) groups.push(current.join(';\n'));
  return groups;
}

/** The newest source commit time of a batch (a loop: a transaction-mode batch can hold millions of changes). */
export function latestCommitTime(events: readonly ChangeEvent[]): number {
  let latest = 0;
  for (const event of events) if (event.commitTime > latest) latest = event.commitTime;
  return latest;
}

/**
 * The UTF-8 size of a string, or a bound above it (3 bytes per UTF-16 unit at most) when that bound
 * fits in `room`: a byte limit holds without encoding every string, and is counted exactly near it.
 */
function byteSizeWithin(text: string, room: number): number {
  const bound = 3 * text.length;
  return bound <= room ? bound : Buffer.byteLength(text);
}
