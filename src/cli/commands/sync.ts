import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { redactValue } from '../../core/redact.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { allEqual } from '../print-sync-report.js';
import { writeSyncOutput } from '../write-sync-output.js';

export function registerSyncCommand(program: Command, context: CliContext): void {
  const command = program
    .command('sync')
    .description('one-time sync: make every common table of the target equal to the source');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'dryRun', 'keepFkChecks', 'fireTriggers', 'detector', 'state']);
  command
    .addOption(new Option('--create-missing', 'create source tables missing on the target from the source DDL'))
    .addOption(new Option('--print-sql', 'print the statements (with --dry-run: the ones that would run)'))
    .addHelpText('after', `
Empty target tables are filled by bulk copy; others are compared by chunk hashes inside both servers
and only differing rows are written (multi-row upserts, batched deletes). Generated columns are never
written; foreign key checks are off in the writing sessions unless --keep-fk-checks.
Exit status: 0 target equal to the source (or --dry-run planned), 1 tables left unsynced (refused,
missing on the target, interrupted), 2 usage or configuration error, 3 connection, 4 runtime failure.
With --detector auto|binlog|content (default auto) a run is skipped, exit 0, when the source's change
signature equals the one stored in --state (default .scsc/state.json) by the last sync that left every
table equal; --detector off always runs; --dry-run always plans and stores nothing.`)
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = await loadCommandConfig(flags, context);
      const [{ checkForChanges }, { runEngine }] = await Promise.all([import('../../detect/check-for-changes.js'), import('../run-engine.js')]);
      // Change signatures gate real runs only: a dry run always plans and never stores a signature.
      const gate = config.dryRun || config.source === undefined || config.target === undefined ? undefined : await checkForChanges({
        detector: config.detector, statePath: resolve(context.cwd, config.state), source: config.source, target: config.target,
        include: config.include, exclude: config.exclude, logger,
      });
      if (gate !== undefined && !gate.changed) {
        logger.info({ detector: gate.detector, reason: gate.reason }, 'nothing changed since the last sync: skipped');
        if (config.json) context.stdout.write(`${JSON.stringify(redactValue({ ok: true, skipped: true, detector: gate.detector, reason: gate.reason }), null, 2)}\n`);
        else context.stdout.write(`skipped: nothing changed on the source since the last sync: ${gate.reason}. --detector off forces a run\n`);
        context.exitCode = 0;
        return;
      }
      if (gate !== undefined) logger.info({ detector: gate.detector, reason: gate.reason }, 'source changed: syncing');
      const report = await runEngine({
        config, logger, apply: !config.dryRun, collectSql: flags.printSql === true,
        bulkCopyWhenEmpty: true, createMissing: flags.createMissing === true, writes: true,
      });
      await writeSyncOutput(context, report, {
        verb: 'sync', json: config.json, printSql: flags.printSql === true, readOnly: config.dryRun,
        header: { ok: allEqual(report, !config.dryRun), dryRun: config.dryRun },
      });
      const failed = report.tables.some((t) => t.status === 'error');
      if (gate !== undefined && !failed && allEqual(report, true)) await gate.commit();
      const unfinished = report.tables.some((t) => t.reason !== undefined || t.status === 'stopped');
      context.exitCode = failed ? 4 : config.dryRun ? (unfinished ? 1 : 0) : allEqual(report, true) ? 0 : 1;
    });
}
