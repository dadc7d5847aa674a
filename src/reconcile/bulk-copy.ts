import type { RowDataPacket } from 'mysql2/promise';
import { sessionSettingsSql } from '../mysql/session-pool.js';
import { insertTupleStatements } from '../sink/row-statements.js';
import { WHOLE_TABLE } from './key-range.js';
import { readTuplePages } from './row-fetcher.js';
import type { TableReport, TableRunOptions } from './table-run.js';
import type { TableSide } from './table-side.js';

/** INSERT statements of one copy kept in flight at once, on separate target connections. */
const COPY_WRITERS = 3;

/** Fills an empty target table from the source (the bulk-copy path of sync). */
export async function copyTable(source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport): Promise<TableReport> {
  report.method = 'copy';
  if (!options.apply && !options.collectSql) {
    // A plain dry run only needs the count, not the rows.
    const [rows] = await source.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${source.from}`);
    report.sourceRows = report.missing = Number(rows[0]?.n ?? 0);
    report.status = report.missing === 0 ? 'equal' : 'differs';
    return report;
  }
  const inFlight = new Set<Promise<unknown>>();
  // The first failed INSERT, kept until it is reported: a settled statement leaves inFlight at once.
  let failure: unknown;
  const write = async (sql: string): Promise<void> => {
    while (inFlight.size >= COPY_WRITERS && failure === undefined) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const statement = target.pool.query(sql).then(
      () => undefined,
      (error: unknown) => {
        failure ??= error;
      },
    );
    inFlight.add(statement);
    void statement.finally(() => inFlight.delete(statement));
  };
  try {
    for await (const page of readTuplePages(source, WHOLE_TABLE, Math.max(options.batch.rows, 2000))) {
      if (options.stopRequested?.() === true || failure !== undefined) break;
      const statements = insertTupleStatements(target, page, options.batch);
      if (options.collectSql) report.statements.push(...statements);
      if (options.apply) for (const sql of statements) await write(sql);
      report.sourceRows += page.length;
      report.missing += page.length;
      options.onProgress?.(page.length);
    }
  } catch (error) {
    failure ??= error;
  }
  // Every statement already sent completes before the table is reported or an error leaves.
  await Promise.all([...inFlight]);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('bulk copy failed', { cause: failure });
  if (options.collectSql && report.statements.length > 0) report.statements.unshift(sessionSettingsSql(options.keepFkChecks === true));
  report.status = options.stopRequested?.() === true ? 'stopped' : options.apply ? 'copied' : report.missing === 0 ? 'equal' : 'differs';
  return report;
}
