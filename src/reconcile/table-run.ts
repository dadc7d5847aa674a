import type { RowDataPacket } from 'mysql2/promise';
import { keyString, type RowValue } from '../core/row-value.js';
import { sessionSettingsSql } from '../mysql/session-pool.js';
import { deleteStatements, insertTupleStatements, type BatchLimits } from '../sink/row-statements.js';
import { existingKeys, fetchTuplesByKeys } from './row-fetcher.js';
import { copyTable } from './bulk-copy.js';
import { diffTable, type DiffOptions } from './table-differ.js';
import type { PairedTable } from './table-pairing.js';
import type { TableSide } from './table-side.js';

export interface TableRunOptions {
  /** Write to the target (sync, reconcile --repair); otherwise only plan. */
  apply: boolean;
  /** Keep the planned statements (--print-sql). */
  collectSql: boolean;
  /** An empty target table is filled by bulk copy instead of a diff (sync). */
  bulkCopyWhenEmpty: boolean;
  batch: BatchLimits;
  diff: DiffOptions;
  /** The target's writing sessions keep FK checks on (--keep-fk-checks). */
  keepFkChecks?: boolean;
  onProgress?: (sourceRows: number) => void;
  stopRequested?: () => boolean;
}

export type TableStatus = 'equal' | 'synced' | 'copied' | 'differs' | 'stopped';

export interface TableReport {
  table: string;
  status: TableStatus;
  method: 'diff' | 'copy';
  sourceRows: number;
  targetRows: number;
  missing: number;
  extra: number;
  changed: number;
  statements: string[];
  chunks: number;
  chunksDiffering: number;
  rowsCompared: number;
}

/** Compares one paired table and, when asked, makes the target equal (bulk copy or diff + repair). */
export async function runTable(source: TableSide, target: TableSide, table: PairedTable, options: TableRunOptions): Promise<TableReport> {
  const report: TableReport = {
    table: table.name, status: 'equal', method: 'diff', sourceRows: 0, targetRows: 0, missing: 0, extra: 0, changed: 0,
    statements: [], chunks: 0, chunksDiffering: 0, rowsCompared: 0,
  };
  if (options.bulkCopyWhenEmpty && (await isEmpty(target))) return copyTable(source, target, options, report);

  const { differences, stats } = await diffTable(source, target, {
    ...options.diff,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.stopRequested === undefined ? {} : { stopRequested: options.stopRequested }),
  });
  Object.assign(report, { sourceRows: stats.sourceRows, targetRows: stats.targetRows, chunks: stats.chunks, chunksDiffering: stats.chunksDiffering, rowsCompared: stats.rowsCompared });

  // A key the target has but the source's key lookup finds after all (e.g. 'a' vs 'A' under a
  // case-insensitive collation) is rewritten, never deleted.
  const stillOnSource = new Set((await existingKeys(source, differences.extra)).map(keyString));
  const extra = differences.extra.filter((k) => !stillOnSource.has(keyString(k)));
  const rewrite = [...differences.changed, ...differences.extra.filter((k) => stillOnSource.has(keyString(k)))];
  Object.assign(report, { missing: differences.missing.length, extra: extra.length, changed: rewrite.length });
  if (report.missing + report.extra + report.changed === 0) {
    report.status = options.stopRequested?.() === true ? 'stopped' : 'equal';
    return report;
  }

  const tuples = await fetchTuplesByKeys(source, [...differences.missing, ...rewrite]);
  const plan = planWrites(target, table, options, { extra, rewrite, tuples });
  if (options.collectSql) report.statements = printable(plan, options);
  if (options.apply) {
    const completed = plan.atomic ? await executeAtomically(target, plan.statements, options.stopRequested) : await execute(target, plan.statements, options.stopRequested);
    report.status = completed ? 'synced' : 'stopped';
  } else {
    report.status = 'differs';
  }
  if (options.stopRequested?.() === true) report.status = 'stopped';
  return report;
}

interface WritePlan {
  statements: string[];
  /** Run as one transaction (all or nothing). */
  atomic: boolean;
}

/**
 * Without other unique keys: delete the extra rows, upsert the missing and changed ones (each
 * statement atomic and idempotent). With other unique keys an in-place upsert could hit the wrong
 * row (two rows that swapped a UNIQUE value), so changed rows are deleted and re-inserted after all
 * deletes, in one transaction so that no row is ever missing; with --keep-fk-checks the deletes of
 * rows about to be re-inserted run with FK checks off, else ON DELETE CASCADE / SET NULL would wipe
 * or orphan their children on the target.
 */
function planWrites(target: TableSide, table: PairedTable, options: TableRunOptions, writes: { extra: RowValue[][]; rewrite: RowValue[][]; tuples: string[] }): WritePlan {
  const { extra, rewrite, tuples } = writes;
  if (!table.otherUniqueKeys) {
    return { atomic: false, statements: [...deleteStatements(target, extra, options.batch), ...insertTupleStatements(target, tuples, options.batch, 'upsert')] };
  }
  const shieldChildren = options.keepFkChecks === true && rewrite.length > 0;
  return {
    atomic: true,
    statements: [
      ...(shieldChildren ? ['SET SESSION foreign_key_checks = 0'] : []),
      ...deleteStatements(target, rewrite, options.batch),
      ...(shieldChildren ? ['SET SESSION foreign_key_checks = 1'] : []),
      ...deleteStatements(target, extra, options.batch),
      ...insertTupleStatements(target, tuples, options.batch, 'insert'),
    ],
  };
}

/**
 * The statements as a user can run them by hand (--print-sql): first the session settings scsc's own
 * writers use (UTC for TIMESTAMP literals, the sql_mode that accepts zero dates, FK checks), and a
 * transaction around an atomic plan.
 */
function printable(plan: WritePlan, options: TableRunOptions): string[] {
  if (plan.statements.length === 0) return [];
  const body = plan.atomic ? ['START TRANSACTION', ...plan.statements, 'COMMIT'] : plan.statements;
  return [sessionSettingsSql(options.keepFkChecks === true), ...body];
}

async function isEmpty(side: TableSide): Promise<boolean> {
  const [rows] = await side.pool.query<RowDataPacket[]>(`SELECT 1 FROM ${side.from} LIMIT 1`);
  return rows.length === 0;
}

/** Runs statements one by one; each is atomic, and a stop request is honoured between statements. False when stopped. */
async function execute(target: TableSide, statements: readonly string[], stopRequested?: () => boolean): Promise<boolean> {
  for (const sql of statements) {
    if (stopRequested?.() === true) return false;
    await target.pool.query(sql);
  }
  return true;
}

/**
 * Runs statements as one transaction on one connection: a stop request rolls it back (nothing
 * half-applied), so does an error (then rethrown). The connection is discarded after a failure so
 * that no session setting changed inside the transaction outlives it.
 */
async function executeAtomically(target: TableSide, statements: readonly string[], stopRequested?: () => boolean): Promise<boolean> {
  const connection = await target.pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    for (const sql of statements) {
      if (stopRequested?.() === true) {
        await connection.query('ROLLBACK');
        connection.destroy();
        return false;
      }
      await connection.query(sql);
    }
    await connection.query('COMMIT');
    connection.release();
    return true;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    connection.destroy();
    throw error;
  }
}
