import type { Pool, RowDataPacket } from 'mysql2/promise';
import { copyByInsert, copyByInsertBlocks } from './copy-by-insert.js';
import { copyByLoadData } from './copy-by-load-data.js';
import type { TableReport, TableRunOptions } from './table-run.js';
import type { TableSide } from './table-side.js';

/** Target pools whose refusal of LOAD DATA LOCAL was already reported: the user is told once per run. */
const toldRefusal = new WeakSet<Pool>();

/**
 * Fills an empty target table from the source (the bulk-copy path of sync): LOAD DATA LOCAL INFILE
 * fed by the source's own rendering of the rows; multi-row INSERTs when the statements are to be
 * printed (--print-sql) or the target refuses LOAD DATA LOCAL (said once, as a warning).
 */
export async function copyTable(source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport): Promise<TableReport> {
  report.method = 'copy';
  if (!options.apply && !options.collectSql) {
    // A plain dry run only needs the count, not the rows.
    const [rows] = await source.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${source.from}`);
    report.sourceRows = report.missing = Number(rows[0]?.n ?? 0);
    report.status = report.missing === 0 ? 'equal' : 'differs';
    return report;
  }
  if (options.collectSql) {
    await copyByInsert(source, target, options, report);
  } else if (!(await copyByLoadData(source, target, options, report))) {
    warnRefusedOnce(target.pool);
    await copyByInsertBlocks(source, target, options, report);
  }
  report.status = options.stopRequested?.() === true ? 'stopped' : options.apply ? 'copied' : report.missing === 0 ? 'equal' : 'differs';
  return report;
}

function warnRefusedOnce(pool: Pool): void {
  if (toldRefusal.has(pool)) return;
  toldRefusal.add(pool);
  process.emitWarning(
    'the target refuses LOAD DATA LOCAL INFILE, so empty tables are filled with INSERT statements, which is slower; '
      + 'allow it with SET GLOBAL local_infile = ON on the target (MySQL 8 has it off by default)',
    { code: 'SCSC_LOCAL_INFILE_REFUSED' },
  );
}
