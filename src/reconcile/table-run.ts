import type { RowDataPacket } from 'mysql2/promise';
import { keyString, type RowValue } from '../core/row-value.js';
import { sessionSettingsSql } from '../mysql/session-pool.js';
import { deleteStatements, insertTupleStatements, type BatchLimits } from '../sink/row-statements.js';
import { repairInPlace } from './repair-in-place.js';
import { existingKeys, fetchTuplesByKeys } from './row-fetcher.js';
import { copyTable } from './bulk-copy.js';
import { singleIntegerKey } from './leaf-compare.js';
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
  /**
   * Given: the deletes of extra rows are not run here but handed over, to run after the tables that
   * reference this one (with FK checks on, a referenced row goes only after the rows pointing at it).
   */
  deleteLater?: (deleteExtra: () => Promise<{ statements: string[]; completed: boolean }>) => void;
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
  /** With --keep-fk-checks: the deletes of extra rows, run after every table's `statements`, children's first. */
  deferredStatements?: string[];
  chunks: number;
  chunksDiffering: number;
  rowsCompared: number;
  chunksRowByRow: number;
}

/** Compares one paired table and, when asked, makes the target equal (bulk copy or diff + repair). */
export async function runTable(source: TableSide, target: TableSide, table: PairedTable, options: TableRunOptions): Promise<TableReport> {
  const report: TableReport = {
    table: table.name, status: 'equal', method: 'diff', sourceRows: 0, targetRows: 0, missing: 0, extra: 0, changed: 0,
    statements: [], chunks: 0, chunksDiffering: 0, rowsCompared: 0, chunksRowByRow: 0,
  };
  if (options.bulkCopyWhenEmpty && (await isEmpty(target))) return copyTable(source, target, options, report);

  const { differences, stats } = await diffTable(source, target, {
    ...options.diff,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.stopRequested === undefined ? {} : { stopRequested: options.stopRequested }),
  });
  const { sourceRows, targetRows, chunks, chunksDiffering, rowsCompared, chunksRowByRow } = stats;
  Object.assign(report, { sourceRows, targetRows, chunks, chunksDiffering, rowsCompared, chunksRowByRow });

  // A key the target has but the source's key lookup finds after all (e.g. 'a' vs 'A' under a
  // case-insensitive collation) is rewritten, never deleted. An integer key matches only itself.
  const stillOnSource = new Set(singleIntegerKey(source) ? [] : (await existingKeys(source, differences.extra)).map(keyString));
  const extra = differences.extra.filter((k) => !stillOnSource.has(keyString(k)));
  const rewrite = [...differences.changed, ...differences.extra.filter((k) => stillOnSource.has(keyString(k)))];
  Object.assign(report, { missing: differences.missing.length, extra: extra.length, changed: rewrite.length });
  if (report.missing + report.extra + report.changed === 0) {
    report.status = options.stopRequested?.() === true ? 'stopped' : 'equal';
    return report;
  }

  if (!options.apply && !options.collectSql) {
    // A plain reconcile reports the counts: no rows to fetch, no statements to build.
    report.status = options.stopRequested?.() === true ? 'stopped' : 'differs';
    return report;
  }

  let completed = true;
  const removeHere = options.deleteLater === undefined || extra.length === 0 ? extra : [];
  if (removeHere !== extra) options.deleteLater?.(() => repairInPlace(source, target, { upsert: [], remove: extra }, options));
  if (!table.otherUniqueKeys) {
    const repaired = await repairInPlace(source, target, { upsert: [...differences.missing, ...rewrite], remove: removeHere }, options);
    if (options.collectSql && repaired.statements.length > 0) report.statements = [sessionSettingsSql(options.keepFkChecks === true), ...repaired.statements];
    completed = repaired.completed;
  } else {
    const tuples = await fetchTuplesByKeys(source, [...differences.missing, ...rewrite]);
    const statements = rewriteStatements(target, options, { extra: removeHere, rewrite, tuples });
    if (options.collectSql) report.statements = [sessionSettingsSql(options.keepFkChecks === true), 'START TRANSACTION', ...statements, 'COMMIT'];
    if (options.apply) completed = await executeAtomically(target, statements, options.stopRequested);
  }
  report.status = !completed || options.stopRequested?.() === true ? 'stopped' : options.apply ? 'synced' : 'differs';
  return report;
}

/**
 * With unique keys besides the row key an in-place upsert could hit the wrong row (two rows that
 * swapped a UNIQUE value), so changed rows are deleted and re-inserted after all deletes, in one
 * transaction so that no row is ever missing; with --keep-fk-checks the deletes of rows about to be
 * re-inserted run with FK checks off, else ON DELETE CASCADE / SET NULL would wipe or orphan their
 * children on the target. (Without other unique keys see repair-in-place.ts.)
 */
function rewriteStatements(target: TableSide, options: TableRunOptions, writes: { extra: RowValue[][]; rewrite: RowValue[][]; tuples: string[] }): string[] {
  const { extra, rewrite, tuples } = writes;
  const shieldChildren = options.keepFkChecks === true && rewrite.length > 0;
  return [
    ...(shieldChildren ? ['SET SESSION foreign_key_checks = 0'] : []),
    ...deleteStatements(target, rewrite, options.batch),
    ...(shieldChildren ? ['SET SESSION foreign_key_checks = 1'] : []),
    ...deleteStatements(target, extra, options.batch),
    ...insertTupleStatements(target, tuples, options.batch, 'insert'),
  ];
}

async function isEmpty(side: TableSide): Promise<boolean> {
  const [rows] = await side.pool.query<RowDataPacket[]>(`SELECT 1 FROM ${side.from} LIMIT 1`);
  return rows.length === 0;
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
