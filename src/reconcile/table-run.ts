import type { RowDataPacket } from 'mysql2/promise';
import { keyString, type RowValue } from '../core/row-value.js';
import { sessionSettingsSql } from '../mysql/session-pool.js';
import { deleteStatements, insertTupleStatements, type BatchLimits } from '../sink/row-statements.js';
import { repairInPlace } from './repair-in-place.js';
import { existingKeys, fetchTuplesByKeys } from './row-fetcher.js';
import { copyTable } from './bulk-copy.js';
import { singleIntegerKey } from './leaf-compare.js';
import { differenceCount, type RowDifferences } from './diff-result.js';
import { SqlSpool } from './sql-spool.js';
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

/** Differences held before they are settled (repaired, planned or counted) while the diff goes on. */
const SETTLE_EVERY_KEYS = 20_000;
/** Duplicate entry for a UNIQUE key: a slice's rewrite met a value another slice still holds. */
const ER_DUP_ENTRY = 1062;

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
  /** With --print-sql: the statements, session settings first. */
  statements: SqlSpool;
  /** With --keep-fk-checks: the deletes of extra rows, run after every table's `statements`, children's first. */
  deferredStatements?: SqlSpool;
  chunks: number;
  chunksDiffering: number;
  rowsCompared: number;
  chunksRowByRow: number;
}

/** Compares one paired table and, when asked, makes the target equal (bulk copy or diff + repair). */
export async function runTable(source: TableSide, target: TableSide, table: PairedTable, options: TableRunOptions): Promise<TableReport> {
  const report: TableReport = {
    table: table.name, status: 'equal', method: 'diff', sourceRows: 0, targetRows: 0, missing: 0, extra: 0, changed: 0,
    statements: new SqlSpool(sessionSettingsSql(options.keepFkChecks === true)), chunks: 0, chunksDiffering: 0, rowsCompared: 0, chunksRowByRow: 0,
  };
  if (options.bulkCopyWhenEmpty && (await isEmpty(target))) return copyTable(source, target, options, report);

  // Differences are settled (counted, and repaired or planned) a slice at a time while the walk goes
  // on, so memory stays flat however much of the table differs. A table with other unique keys gets
  // each slice rewritten in a transaction of its own (delete, then insert: two rows may have swapped
  // a UNIQUE value); a slice that collides with a value a later slice still holds is rolled back and
  // kept for one rewrite of all such rows at the end (a dry run plans that one rewrite for all).
  const planOnly = !options.apply && !options.collectSql;
  const atOnce = table.otherUniqueKeys && !planOnly;
  const kept = { missing: [] as RowValue[][], extra: [] as RowValue[][], rewrite: [] as RowValue[][] };
  const deferredExtra: RowValue[][] = [];
  const statements = report.statements;
  let completed = true;
  /** Rewrites rows in one target transaction (planned only, in a dry run). */
  const rewriteAtomically = async (rows: { missing: RowValue[][]; extra: RowValue[][]; rewrite: RowValue[][] }): Promise<void> => {
    const planned = rewriteStatements(source, target, options, { extra: rows.extra, rewrite: rows.rewrite, insert: [...rows.missing, ...rows.rewrite] });
    const ran: string[] = [];
    if (!options.apply) for await (const sql of planned) ran.push(sql);
    else if (!(await executeAtomically(target, planned, options.stopRequested, options.collectSql ? (sql) => ran.push(sql) : undefined))) completed = false;
    if (options.collectSql && completed && ran.length > 0) for (const sql of ['START TRANSACTION', ...ran, 'COMMIT']) statements.push(sql);
  };
  /** A slice in a transaction of its own; false when it met a UNIQUE value a later slice still holds (rolled back). */
  const rewriteSlice = async (rows: { missing: RowValue[][]; extra: RowValue[][]; rewrite: RowValue[][] }): Promise<boolean> => {
    try {
      await rewriteAtomically(rows);
      return true;
    } catch (error) {
      if ((error as { errno?: number } | undefined)?.errno === ER_DUP_ENTRY) return false;
      throw error;
    }
  };
  const settle = async (found: RowDifferences): Promise<void> => {
    // A key the target has but the source's key lookup finds after all (e.g. 'a' vs 'A' under a
    // case-insensitive collation) is rewritten, never deleted. An integer key matches only itself.
    const stillOnSource = new Set(singleIntegerKey(source) || found.extra.length === 0 ? [] : (await existingKeys(source, found.extra)).map(keyString));
    const extra = found.extra.filter((k) => !stillOnSource.has(keyString(k)));
    const rewrite = [...found.changed, ...found.extra.filter((k) => stillOnSource.has(keyString(k)))];
    report.missing += found.missing.length;
    report.extra += extra.length;
    report.changed += rewrite.length;
    if (planOnly) return; // a plain reconcile reports the counts: no rows to fetch, no statements to build
    if (options.stopRequested?.() === true) {
      completed = false;
      return;
    }
    // With --keep-fk-checks the extra rows of a referenced table go after its children's (sync-run.ts).
    const removable = options.deleteLater === undefined ? extra : [];
    for (const key of options.deleteLater === undefined ? [] : extra) deferredExtra.push(key);
    if (atOnce) {
      if (options.apply && (await rewriteSlice({ missing: found.missing, extra: removable, rewrite }))) return;
      for (const key of found.missing) kept.missing.push(key);
      for (const key of removable) kept.extra.push(key);
      for (const key of rewrite) kept.rewrite.push(key);
      return;
    }
    const repaired = await repairInPlace(source, target, { upsert: [...found.missing, ...rewrite], remove: removable }, options);
    for (const sql of repaired.statements) statements.push(sql);
    if (!repaired.completed) completed = false;
  };
  let settling = Promise.resolve();
  const settleInOrder = (found: RowDifferences): Promise<void> => (settling = settling.then(() => settle(found)));
  const take = (differences: RowDifferences): RowDifferences => ({
    missing: differences.missing.splice(0), extra: differences.extra.splice(0), changed: differences.changed.splice(0),
  });

  const { differences, stats } = await diffTable(source, target, {
    ...options.diff,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.stopRequested === undefined ? {} : { stopRequested: options.stopRequested }),
    afterChunk: async (found) => {
      if (differenceCount(found) >= SETTLE_EVERY_KEYS) await settleInOrder(take(found));
    },
  });
  await settleInOrder(take(differences));
  const { sourceRows, targetRows, chunks, chunksDiffering, rowsCompared, chunksRowByRow } = stats;
  Object.assign(report, { sourceRows, targetRows, chunks, chunksDiffering, rowsCompared, chunksRowByRow });
  if (report.missing + report.extra + report.changed === 0) {
    report.status = options.stopRequested?.() === true ? 'stopped' : 'equal';
    return report;
  }
  if (planOnly) {
    report.status = options.stopRequested?.() === true ? 'stopped' : 'differs';
    return report;
  }

  if (options.deleteLater !== undefined && deferredExtra.length > 0) options.deleteLater(() => repairInPlace(source, target, { upsert: [], remove: deferredExtra }, options));
  const leftOver = kept.missing.length + kept.extra.length + kept.rewrite.length > 0;
  if (atOnce && leftOver && completed && options.stopRequested?.() !== true) await rewriteAtomically(kept);
  report.status = !completed || options.stopRequested?.() === true ? 'stopped' : options.apply ? 'synced' : 'differs';
  return report;
}

/**
 * With unique keys besides the row key an in-place upsert could hit the wrong row (two rows that
 * swapped a UNIQUE value), so changed rows are deleted and re-inserted after all deletes, in one
 * transaction so that no row is ever missing; with --keep-fk-checks the deletes of rows about to be
 * re-inserted run with FK checks off, else ON DELETE CASCADE / SET NULL would wipe or orphan their
 * children on the target. (Without other unique keys see repair-in-place.ts.) The source rows are
 * read a batch at a time as the inserts need them, so memory does not grow with the rows rewritten.
 */
async function* rewriteStatements(source: TableSide, target: TableSide, options: TableRunOptions, writes: { extra: RowValue[][]; rewrite: RowValue[][]; insert: RowValue[][] }): AsyncGenerator<string> {
  const { extra, rewrite, insert } = writes;
  const shieldChildren = options.keepFkChecks === true && rewrite.length > 0;
  if (shieldChildren) yield 'SET SESSION foreign_key_checks = 0';
  yield* deleteStatements(target, rewrite, options.batch);
  if (shieldChildren) yield 'SET SESSION foreign_key_checks = 1';
  yield* deleteStatements(target, extra, options.batch);
  const perFetch = Math.max(1, options.batch.rows);
  for (let i = 0; i < insert.length; i += perFetch) {
    yield* insertTupleStatements(target, await fetchTuplesByKeys(source, insert.slice(i, i + perFetch)), options.batch, 'insert');
  }
}

async function isEmpty(side: TableSide): Promise<boolean> {
  const [rows] = await side.pool.query<RowDataPacket[]>(`SELECT 1 FROM ${side.from} LIMIT 1`);
  return rows.length === 0;
}

/**
 * Runs statements (made as it goes) as one transaction on one connection: a stop request rolls it back (nothing
 * half-applied), so does an error (then rethrown). The connection is discarded after a failure so
 * that no session setting changed inside the transaction outlives it.
 */
async function executeAtomically(target: TableSide, statements: AsyncIterable<string>, stopRequested?: () => boolean, onRun?: (sql: string) => void): Promise<boolean> {
  const connection = await target.pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    for await (const sql of statements) {
      if (stopRequested?.() === true) {
        await connection.query('ROLLBACK');
        connection.destroy();
        return false;
      }
      await connection.query(sql);
      onRun?.(sql);
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
