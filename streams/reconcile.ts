/**
 * Scheduled reconciliation beside live CDC (`scsc replicate --reconcile-every 1h [--repair]`).
 *
 *   every interval:  note the source's binlog head S
 *                      -> hash-diff pass, read-only (src/reconcile runSync)        tables that differ
 *                      -> wait until the stream has applied everything up to S     (a difference may only be lag)
 *                      -> second pass over those tables only                       differ again = drift
 *                      -> drift: warn, metrics (scsc_reconcile_drift_rows), repair with --repair
 *
 * The passes read both servers while changes keep flowing, so a row written during a pass can show
 * as different; only a table that differs again after the stream caught up with the first pass's
 * start counts as drifted. A repair writes the source's current rows; changes the stream applies
 * afterwards are newer, so the target still converges.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ResolvedConfig } from '../src/config/config-schema.js';
import { positionKey, type Boundary } from '../src/core/position.js';
import type { Queryable } from '../src/mysql/query-rows.js';
import type { Logger } from '../src/observability/logger.js';
import type { ReplicationMetrics } from '../src/observability/replication-metrics.js';
import { runSync, type TableOutcome } from '../src/reconcile/sync-run.js';
import { readBinlogHead } from '../src/source/binlog-head.js';

export interface ScheduledReconcileOptions {
  config: ResolvedConfig;
  /** Pass interval, ms (--reconcile-every). */
  everyMs: number;
  repair: boolean;
  /** The replicated tables. */
  tables: () => string[];
  source: Queryable;
  /** Everything the source committed before this boundary is applied on the target. */
  applied: () => Boundary;
  logger: Logger;
  metrics?: ReplicationMetrics;
  stop: AbortSignal;
  /** After each pass, for tests and the command's output. */
  onPass?: (result: ReconcilePass) => void;
}

export interface ReconcilePass {
  startedAt: string;
  tables: number;
  /** Tables that differed in the first pass but not after the stream caught up: lag, not drift. */
  settled: string[];
  drift: Array<{ table: string; missing: number; extra: number; changed: number; repaired: boolean }>;
}

/** Runs reconcile passes every `everyMs` until `stop` aborts; resolves when the last pass ended. */
export async function runScheduledReconcile(options: ScheduledReconcileOptions): Promise<void> {
  while (!options.stop.aborted) {
    try {
      await delay(options.everyMs, undefined, { signal: options.stop });
    } catch {
      return; // stopped while waiting
    }
    try {
      const pass = await reconcileOnce(options);
      if (pass !== undefined) options.onPass?.(pass);
    } catch (error) {
      options.logger.warn({ err: (error as Error).message }, 'reconcile pass failed; the next one runs on schedule');
    }
  }
}

async function reconcileOnce(options: ScheduledReconcileOptions): Promise<ReconcilePass | undefined> {
  const { logger } = options;
  const tables = options.tables();
  if (tables.length === 0) return undefined;
  const startedAt = new Date().toISOString();
  const head = await readBinlogHead(options.source);
  const first = await pass(options, tables, false);
  const suspects = first.filter(differs).map((t) => t.table);
  for (const table of tables) if (!suspects.includes(table)) options.metrics?.reconcileDrift(table, 0);
  if (suspects.length === 0) {
    logger.info({ tables: tables.length }, 'reconcile pass: every table equal');
    return { startedAt, tables: tables.length, settled: [], drift: [] };
  }
  if (!(await caughtUp(options, head))) return undefined;
  const second = await pass(options, suspects, options.repair);
  const drift = second.filter(differs).map((t) => ({
    table: t.table, missing: t.missing ?? 0, extra: t.extra ?? 0, changed: t.changed ?? 0, repaired: options.repair && t.status === 'synced',
  }));
  const settled = suspects.filter((table) => !drift.some((d) => d.table === table));
  for (const table of settled) options.metrics?.reconcileDrift(table, 0);
  for (const d of drift) {
    options.metrics?.reconcileDrift(d.table, d.missing + d.extra + d.changed);
    logger.warn(d, d.repaired ? 'reconcile: drift found and repaired' : 'reconcile: drift found (the target differs from the source beyond replication lag); --repair fixes it');
  }
  if (drift.length === 0) logger.info({ tables: tables.length, settled }, 'reconcile pass: every table equal once the stream caught up');
  return { startedAt, tables: tables.length, settled, drift };
}

type Counted = TableOutcome & { missing?: number; extra?: number; changed?: number };

function differs(outcome: Counted): boolean {
  return (outcome.missing ?? 0) + (outcome.extra ?? 0) + (outcome.changed ?? 0) > 0;
}

async function pass(options: ScheduledReconcileOptions, tables: string[], apply: boolean): Promise<Counted[]> {
  const { config } = options;
  const report = await runSync({
    source: config.source!, target: config.target!, include: tables, exclude: [], workers: Math.max(1, Math.floor(config.workers / 2)),
    batchSize: config.batchSize, apply, collectSql: false, bulkCopyWhenEmpty: false, keepFkChecks: config.keepFkChecks,
    createMissing: false, refuseTargetTriggers: apply && !config.fireTriggers, stopRequested: () => options.stop.aborted,
  });
  return report.tables;
}

/** Waits until the stream has applied everything up to `head`; false when stopped first. */
async function caughtUp(options: ScheduledReconcileOptions, head: Boundary): Promise<boolean> {
  const target = positionKey(head);
  while (positionKey(options.applied()) < target) {
    if (options.stop.aborted) return false;
    await delay(200);
  }
  return true;
}
