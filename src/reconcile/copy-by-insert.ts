import type { Pool, PoolConnection } from 'mysql2/promise';
import { insertTupleStatements } from '../sink/row-statements.js';
import { runCopyLanes } from './copy-lane-runner.js';
import { WHOLE_TABLE, type KeyRange } from './key-range.js';
import { readTuplePages } from './row-fetcher.js';
import { valuesTupleSql } from './tuple-sql.js';
import type { TableReport, TableRunOptions } from './table-run.js';
import type { TableSide } from './table-side.js';

/** INSERT statements of one copy kept in flight at once, on separate target connections. */
const COPY_WRITERS = 3;
/** Lanes of a copy through INSERTs of blocks (copyByInsertBlocks). */
const LANES = 2;
/** Aimed-for size of one block (one INSERT statement). */
const BLOCK_BYTES = 1 << 20;

/** Connections a copy lane already holds; a range copied on them needs none from the pools. */
export interface LaneConnections {
  reader: PoolConnection;
  writer: PoolConnection;
}

/**
 * Bulk copy of a key range through multi-row INSERTs of tuples the source renders (see tuple-sql.ts):
 * the path for --print-sql, for targets that refuse LOAD DATA LOCAL INFILE, and for a LOAD DATA
 * statement the target warned about (then on the lane's own connections, one statement at a time).
 * Adds to report.sourceRows/missing.
 */
export async function copyByInsert(
  source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport, range: KeyRange = WHOLE_TABLE, lane?: LaneConnections,
): Promise<void> {
  // readTuplePages only runs queries, which a pool connection runs as its pool would.
  const reader = lane === undefined ? source : { ...source, pool: lane.reader as unknown as Pool };
  const writers = lane === undefined ? COPY_WRITERS : 1;
  const writeTo = lane === undefined ? target.pool : lane.writer;
  const inFlight = new Set<Promise<unknown>>();
  // The first failed INSERT, kept until it is reported: a settled statement leaves inFlight at once.
  let failure: unknown;
  const write = async (sql: string): Promise<void> => {
    while (inFlight.size >= writers && failure === undefined) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const statement = writeTo.query(sql).then(
      () => undefined,
      (error: unknown) => {
        failure ??= error;
      },
    );
    inFlight.add(statement);
    void statement.finally(() => inFlight.delete(statement));
  };
  try {
    for await (const page of readTuplePages(reader, range, Math.max(options.batch.rows, 2000))) {
      if (options.stopRequested?.() === true || failure !== undefined) break;
      const statements = insertTupleStatements(target, page, options.batch);
      if (options.collectSql) for (const sql of statements) report.statements.push(sql);
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
}

/**
 * Bulk copy through multi-row INSERTs when LOAD DATA LOCAL is refused: parallel lanes as with LOAD
 * DATA, each block the source's VALUES list for a page of rows (GROUP_CONCAT of the tuples of
 * tuple-sql.ts), so scsc only puts the INSERT head in front. Each statement stays within --batch-size
 * rows and the bytes the target accepts.
 */
export async function copyByInsertBlocks(source: TableSide, target: TableSide, options: TableRunOptions, report: TableReport): Promise<void> {
  const [head] = insertTupleStatements(target, [''], { rows: 1, bytes: Number.POSITIVE_INFINITY });
  const shape = {
    rowSql: valuesTupleSql(source.columns, source.flavour), separator: "','",
    blockBytes: Math.min(BLOCK_BYTES, options.batch.bytes), maxBytes: options.batch.bytes - (head?.length ?? 0) - 1024, maxRows: options.batch.rows,
  };
  await runCopyLanes(source, target, LANES, shape, options.stopRequested, async ({ next, writer, stop }) => {
    while (!stop()) {
      const block = await next();
      if (block === undefined) return;
      await writer.query(`${head ?? ''}${block.data.toString('utf8')}`);
      report.sourceRows += block.rows;
      report.missing += block.rows;
      options.onProgress?.(block.rows);
    }
  });
}
