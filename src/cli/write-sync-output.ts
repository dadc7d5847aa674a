import { redactValue } from '../core/redact.js';
import type { SyncRunReport } from '../reconcile/sync-run.js';
import type { CliContext } from './cli-context.js';
import { formatSyncReport } from './print-sync-report.js';

/**
 * What sync and reconcile print on stdout: the JSON document (`header` fields first) with --json,
 * else the planned statements with --print-sql (in an order they can run in), then the summary table.
 */
export function writeSyncOutput(
  context: CliContext, report: SyncRunReport,
  options: { verb: 'sync' | 'reconcile'; json: boolean; printSql: boolean; readOnly: boolean; header: Record<string, unknown> },
): void {
  if (options.json) {
    context.stdout.write(`${JSON.stringify(redactValue({ ...options.header, ...report }), null, 2)}\n`);
    return;
  }
  if (options.printSql) {
    for (const t of report.tables) for (const sql of 'statements' in t ? t.statements : []) context.stdout.write(`${sql};\n`);
    for (const t of [...report.tables].reverse()) for (const sql of 'deferredStatements' in t ? t.deferredStatements ?? [] : []) context.stdout.write(`${sql};\n`);
  }
  context.stdout.write(formatSyncReport(report, options.verb, options.readOnly));
}
