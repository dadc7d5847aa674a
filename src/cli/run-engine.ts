import type { ResolvedConfig } from '../config/config-schema.js';
import { ScscError } from '../core/scsc-error.js';
import type { Logger } from '../observability/logger.js';
import { createTableProgress } from '../observability/table-progress.js';
import { runSync, type SyncRunReport } from '../reconcile/sync-run.js';
import { runUntilSignal } from './stop-on-signal.js';

export interface EngineRequest {
  config: ResolvedConfig;
  logger: Logger;
  apply: boolean;
  collectSql: boolean;
  bulkCopyWhenEmpty: boolean;
  createMissing: boolean;
  /** Tables with triggers on the target are refused (commands that write or plan writes), unless --fire-triggers. */
  writes: boolean;
}

/**
 * Runs the hash-diff engine for a command: progress bars on a terminal, per-table log lines, and
 * SIGINT/SIGTERM handled so the current statement completes and the run stops cleanly (a second
 * signal exits at once).
 */
export async function runEngine(request: EngineRequest): Promise<SyncRunReport> {
  const { config, logger } = request;
  if (config.source === undefined || config.target === undefined) {
    throw new ScscError('URL_MISSING', `${config.source === undefined ? '--source' : '--target'} is required (or SCSC_SOURCE_URL / SCSC_TARGET_URL)`);
  }
  const { source, target } = config;
  return runUntilSignal(logger, 'stopping after the statement in flight; send the signal again to exit at once', async (stop) => {
    const progress = await createTableProgress(!config.json && config.logLevel !== 'silent');
    try {
      return await runSync({
        source,
        target,
        include: config.include,
        exclude: config.exclude,
        workers: config.workers,
        batchSize: config.batchSize,
        apply: request.apply,
        collectSql: request.collectSql,
        bulkCopyWhenEmpty: request.bulkCopyWhenEmpty,
        keepFkChecks: config.keepFkChecks,
        createMissing: request.createMissing,
        refuseTargetTriggers: request.writes && !config.fireTriggers,
        onTableStart: (table, estimate) => progress.start(table, estimate),
        onTableProgress: (table, rows) => progress.advance(table, rows),
        onTableDone: (outcome) => {
          progress.finish(outcome.table);
          const { statements: _statements, deferredStatements: _deferred, ...fields } = outcome as typeof outcome & { statements?: unknown; deferredStatements?: unknown };
          if (outcome.status === 'error') logger.error(fields, 'table failed');
          // The summary table reports every table; per-table lines would also break the progress bars.
          else logger.debug(fields, 'table done');
        },
        stopRequested: () => stop.aborted,
      });
    } finally {
      progress.stop();
    }
  });
}
