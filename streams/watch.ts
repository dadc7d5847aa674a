/**
 * `scsc watch`: change signatures -> sync on change, in a loop.
 *
 *   every --interval:  checkForChanges (src/detect: binlog position or per-table checksums of the source)
 *                        -> unchanged: log, wait
 *                        -> changed:   runEngine (src/reconcile hash-diff sync, apply + bulk copy)
 *                                        -> every table equal: store the signature (ChangeCheck.commit)
 *                                        -> otherwise: keep the old one, so the next round syncs again
 *
 * The loop ends when `stop` is aborted: a round in progress finishes (the engine itself stops after the
 * statement in flight on SIGINT/SIGTERM), no new sync starts, the wait is cut short.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ResolvedConfig } from '../src/config/config-schema.js';
import { ScscError, isScscError } from '../src/core/scsc-error.js';
import { checkForChanges, type ChangeCheck } from '../src/detect/check-for-changes.js';
import type { Logger } from '../src/observability/logger.js';
import type { SyncRunReport } from '../src/reconcile/sync-run.js';
import { allEqual } from '../src/cli/print-sync-report.js';
import { runEngine } from '../src/cli/run-engine.js';

export interface WatchOptions {
  /** source, target, detector, interval, include/exclude, workers, batch size, FK checks. */
  config: ResolvedConfig;
  logger: Logger;
  /** The state file, absolute (the command resolves --state against its working directory). */
  statePath: string;
  /** Aborting it ends the loop after the round in progress. */
  stop: AbortSignal;
  /** Called after every round, for the command's output. */
  onRound?: (round: WatchRound) => void;
}

export interface WatchRound {
  round: number;
  startedAt: string;
  detector?: ChangeCheck['detector'];
  changed?: boolean;
  reason?: string;
  /** Present when the round ran a sync. */
  report?: SyncRunReport;
  /** True when the round's signature was stored (its sync left every table equal). */
  committed: boolean;
  /** Present when the round failed; the loop retries at the next interval. */
  error?: { code: string; message: string; fix: string };
}

export interface WatchSummary {
  rounds: number;
  syncs: number;
}

/**
 * Polls the source's change signature every `config.interval` ms and syncs the target when it changed,
 * until `stop` is aborted. A failure of the first round (bad URL, unreachable server, corrupt state
 * file) ends the watch with that error; later failures (a server restarting) are logged and the round
 * is retried at the next interval, except configuration errors, which end it at any time.
 */
export async function runWatch(options: WatchOptions): Promise<WatchSummary> {
  const { config, logger, stop } = options;
  const { source, target } = config;
  if (source === undefined || target === undefined) {
    throw new ScscError('URL_MISSING', `${source === undefined ? '--source' : '--target'} is required (or SCSC_SOURCE_URL / SCSC_TARGET_URL)`);
  }
  logger.info({ source: source.display, target: target.display, intervalMs: config.interval, detector: config.detector, state: options.statePath }, 'watching the source for changes');
  const summary: WatchSummary = { rounds: 0, syncs: 0 };
  while (!stop.aborted) {
    const started = Date.now();
    const round: WatchRound = { round: summary.rounds + 1, startedAt: new Date(started).toISOString(), committed: false };
    summary.rounds += 1;
    try {
      const check = await checkForChanges({
        detector: config.detector, statePath: options.statePath, source, target, include: config.include, exclude: config.exclude, logger,
      });
      Object.assign(round, { detector: check.detector, changed: check.changed, reason: check.reason });
      if (stop.aborted) break;
      if (!check.changed) {
        logger.info({ round: round.round, detector: check.detector, reason: check.reason }, 'no change');
      } else {
        logger.info({ round: round.round, detector: check.detector, reason: check.reason }, 'change detected; syncing');
        round.report = await runEngine({ config, logger, apply: true, collectSql: false, bulkCopyWhenEmpty: true, createMissing: false, writes: true });
        summary.syncs += 1;
        round.committed = await settle(round.report, check, logger, round.round, stop.aborted);
      }
    } catch (error) {
      const failure = toScscError(error);
      if (summary.rounds === 1 || failure.exitCode === 2) throw failure;
      round.error = { code: failure.code, message: failure.message, fix: failure.fix };
      logger.error({ round: round.round, code: failure.code, message: failure.message }, 'round failed; retrying at the next interval');
    }
    options.onRound?.(round);
    if (stop.aborted) break;
    await delay(Math.max(0, config.interval - (Date.now() - started)), undefined, { signal: stop }).catch(() => undefined);
  }
  logger.info(summary, 'watch stopped');
  return summary;
}

/** Stores the signature when the sync left every table equal; says why not otherwise. */
async function settle(report: SyncRunReport, check: ChangeCheck, logger: Logger, round: number, stopping: boolean): Promise<boolean> {
  const differing = report.tables.reduce((n, t) => n + (t.reason === undefined ? t.missing + t.extra + t.changed : 0), 0);
  const unsynced = report.tables.filter((t) => !allEqual({ ...report, tables: [t] }, true)).map((t) => `${t.table} (${t.status})`);
  if (unsynced.length === 0) {
    await check.commit();
    logger.info({ round, tables: report.tables.length, rowsDiffering: differing, seconds: report.seconds }, 'synced');
    return true;
  }
  logger.warn({ round, tables: report.tables.length, rowsDiffering: differing, unsynced, seconds: report.seconds }, stopping
    ? 'sync stopped before every table was equal: signature not stored, the next watch or sync runs again'
    : 'sync left tables unsynced: signature not stored, the next round syncs again (exclude tables that cannot be synced)');
  return false;
}

function toScscError(error: unknown): ScscError {
  if (isScscError(error)) return error;
  return new ScscError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
