import type { RowValue } from '../core/row-value.js';
import { deleteStatements, insertTupleStatements, type BatchLimits } from '../sink/row-statements.js';
import { mapWithLimit } from './async-pool.js';
import { fetchTuples } from './row-fetcher.js';
import type { TableSide } from './table-side.js';

export interface InPlaceRepair {
  /** Keys whose source rows are written over the target's (inserted or updated). */
  upsert: ReadonlyArray<readonly RowValue[]>;
  /** Keys the source lacks: deleted from the target. */
  remove: ReadonlyArray<readonly RowValue[]>;
}

export interface RepairOptions {
  apply: boolean;
  collectSql: boolean;
  batch: BatchLimits;
  /** FK checks stay on in the target's sessions: batches run one after the other. */
  keepFkChecks?: boolean;
  stopRequested?: () => boolean;
}

/** Batches fetched and written at once, each on its own source and target connection. */
const WRITERS = 3;
/** A deadlock or lock wait between the writers' neighbouring key ranges is retried this often. */
const LOCK_RETRIES = 3;

/**
 * Repairs a table whose only unique key is the row key: every statement (an upsert of source rows or
 * a delete by keys) is atomic, idempotent and touches keys no other statement touches, so batches
 * run in any order and a few at once: a batch's source rows are fetched while other batches are
 * written (one at a time with --keep-fk-checks). Returns the statements in batch order, and whether
 * every batch ran (false when stopped).
 */
export async function repairInPlace(source: TableSide, target: TableSide, keys: InPlaceRepair, options: RepairOptions): Promise<{ statements: string[]; completed: boolean }> {
  const perBatch = Math.max(1, options.batch.rows);
  const batches: Array<{ kind: 'upsert' | 'remove'; keys: ReadonlyArray<readonly RowValue[]> }> = [];
  for (let i = 0; i < keys.remove.length; i += perBatch) batches.push({ kind: 'remove', keys: keys.remove.slice(i, i + perBatch) });
  for (let i = 0; i < keys.upsert.length; i += perBatch) batches.push({ kind: 'upsert', keys: keys.upsert.slice(i, i + perBatch) });

  let completed = true;
  // With FK checks on, a row referring to another row of the same table must not overtake it.
  const writers = options.keepFkChecks === true ? 1 : WRITERS;
  const statements = await mapWithLimit(batches, writers, async (batch): Promise<string[]> => {
    if (options.stopRequested?.() === true) {
      completed = false;
      return [];
    }
    const sql = batch.kind === 'remove'
      ? deleteStatements(target, batch.keys, options.batch)
      : insertTupleStatements(target, await fetchTuples(source, batch.keys), options.batch, 'upsert');
    if (options.apply) for (const statement of sql) await runRetryingLocks(target, statement);
    return options.collectSql ? sql : [];
  });
  return { statements: statements.flat(), completed };
}

async function runRetryingLocks(target: TableSide, sql: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await target.pool.query(sql);
      return;
    } catch (error) {
      const errno = (error as { errno?: number } | undefined)?.errno;
      if ((errno !== 1213 && errno !== 1205) || attempt > LOCK_RETRIES) throw error;
    }
  }
}
