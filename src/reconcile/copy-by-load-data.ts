import { Readable } from 'node:stream';
import { copyByInsert } from './copy-by-insert.js';
import { runCopyLanes } from './copy-lane-runner.js';
import { LINE_SEPARATOR, loadDataLineSql, loadDataStatement } from './load-data-sql.js';
import { loadBlocks } from './load-data-writer.js';
import type { TableReport, TableRunOptions } from './table-run.js';
import type { TableSide } from './table-side.js';

/** Lanes copying one table at once (2 cores: the source renders while the target loads two streams). */
const LANES = 2;
/** Aimed-for size of one block read from the source. */
const BLOCK_BYTES = 1 << 20;
/** Bytes per LOAD DATA statement, one target transaction each. */
const STATEMENT_BYTES = 16 << 20;

/** Server errors that mean "LOAD DATA LOCAL is switched off here" (MariaDB/MySQL 1148, MySQL 8 3948, MariaDB 4166). */
const REFUSED_CODES = new Set([1148, 3948, 4166]);

export function isLocalInfileRefusal(error: unknown): boolean {
  const { errno, message } = (error ?? {}) as { errno?: number; message?: string };
  return (errno !== undefined && REFUSED_CODES.has(errno)) || /local (data|infile).*(disabled|not allowed)/i.test(message ?? '');
}

/**
 * Bulk copy through LOAD DATA LOCAL INFILE: the source renders its rows as LOAD DATA lines (see
 * load-data-sql.ts), blocks of them stream through scsc into the target without being decoded, in
 * parallel lanes over key ranges. Returns false, having written nothing, when the target refuses
 * LOAD DATA LOCAL.
 */
export async function copyByLoadData(source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport): Promise<boolean> {
  const statement = loadDataStatement(target.from, target.columns);
  if (!(await targetAcceptsLoadData(target, statement))) return false;
  const shape = {
    rowSql: loadDataLineSql(source.columns, source.flavour), separator: LINE_SEPARATOR,
    blockBytes: BLOCK_BYTES, maxBytes: Number.POSITIVE_INFINITY, maxRows: Number.POSITIVE_INFINITY,
  };
  await runCopyLanes(source, target, LANES, shape, options.stopRequested, async ({ next, reader, writer, stop }) => {
    for (;;) {
      const outcome = await loadBlocks(writer, statement, next, STATEMENT_BYTES, (rows) => options.onProgress?.(rows), stop);
      if (outcome.rejected === undefined) {
        report.sourceRows += outcome.rows;
        report.missing += outcome.rows;
      } else {
        // The rolled-back range goes through strict INSERTs: a value the target cannot take fails
        // with the server's own error for it; rows LOAD DATA merely warned about are written exactly.
        await copyByInsert(source, target, { ...options, onProgress: () => undefined }, report, outcome.range, { reader, writer });
      }
      if (outcome.exhausted || stop()) return;
    }
  });
  return true;
}

/** An empty LOAD DATA LOCAL: 0 rows when the target accepts it, a refusal error when it does not. */
async function targetAcceptsLoadData(target: TableSide, statement: string): Promise<boolean> {
  try {
    await target.pool.query({ sql: statement, infileStreamFactory: () => Readable.from([]) });
    return true;
  } catch (error) {
    if (isLocalInfileRefusal(error)) return false;
    throw error;
  }
}
