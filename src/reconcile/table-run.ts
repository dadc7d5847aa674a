import type { RowDataPacket } from 'mysql2/promise';
import type { RowValue } from '../core/row-value.js';
import { keyString } from '../core/row-value.js';
import { deleteStatements, insertStatements, type BatchLimits } from '../sink/row-statements.js';
import { WHOLE_TABLE } from './key-range.js';
import { existingKeys, fetchRowsByKeys, readRangePages } from './row-fetcher.js';
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

  const rows = await fetchRowsByKeys(source, [...differences.missing, ...rewrite]);
  // With other unique keys on the target, an in-place upsert could hit the wrong row: delete every
  // changed row first and insert the source's version after all deletes.
  const deleteKeys: RowValue[][] = table.otherUniqueKeys ? [...extra, ...rewrite] : extra;
  const statements = [
    ...deleteStatements(target, deleteKeys, options.batch),
    ...insertStatements(target, rows, options.batch, table.otherUniqueKeys ? 'insert' : 'upsert'),
  ];
  if (options.collectSql) report.statements = statements;
  if (options.apply) {
    await execute(target, statements, options.stopRequested);
    report.status = 'synced';
  } else {
    report.status = 'differs';
  }
  if (options.stopRequested?.() === true) report.status = 'stopped';
  return report;
}

async function isEmpty(side: TableSide): Promise<boolean> {
  const [rows] = await side.pool.query<RowDataPacket[]>(`SELECT 1 FROM ${side.from} LIMIT 1`);
  return rows.length === 0;
}

async function copyTable(source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport): Promise<TableReport> {
  report.method = 'copy';
  let writing: Promise<void> = Promise.resolve();
  for await (const page of readRangePages(source, WHOLE_TABLE, Math.max(options.batch.rows, 2000))) {
    const statements = insertStatements(target, page, options.batch, 'insert');
    await writing;
    if (options.collectSql) report.statements.push(...statements);
    writing = options.apply ? execute(target, statements, options.stopRequested) : Promise.resolve();
    writing.catch(() => undefined); // awaited before the next page; this only keeps it from going unhandled meanwhile
    report.sourceRows += page.length;
    report.missing += page.length;
    options.onProgress?.(page.length);
    if (options.stopRequested?.() === true) break;
  }
  await writing;
  report.status = options.stopRequested?.() === true ? 'stopped' : options.apply ? 'copied' : report.missing === 0 ? 'equal' : 'differs';
  return report;
}

/** Runs statements one by one; each is atomic, and a stop request is honoured between statements. */
async function execute(target: TableSide, statements: readonly string[], stopRequested?: () => boolean): Promise<void> {
  for (const sql of statements) {
    if (stopRequested?.() === true) return;
    await target.pool.query(sql);
  }
}
