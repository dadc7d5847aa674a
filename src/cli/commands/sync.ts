import { Option, type Command } from 'commander';
import { redactValue } from '../../core/redact.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { allEqual, formatSyncReport } from '../print-sync-report.js';
import { runEngine } from '../run-engine.js';

export function registerSyncCommand(program: Command, context: CliContext): void {
  const command = program
    .command('sync')
    .description('one-time sync: make every common table of the target equal to the source');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'dryRun', 'keepFkChecks', 'detector', 'state']);
  command
    .addOption(new Option('--create-missing', 'create source tables missing on the target from the source DDL'))
    .addOption(new Option('--print-sql', 'print the statements (with --dry-run: the ones that would run)'))
    .addHelpText('after', `
Empty target tables are filled by bulk copy; others are compared by chunk hashes inside both servers
and only differing rows are written (multi-row upserts, batched deletes). Generated columns are never
written; foreign key checks are off in the writing sessions unless --keep-fk-checks.
Exit status: 0 target equal to the source (or --dry-run planned), 1 tables left unsynced (refused,
missing on the target, interrupted), 2 usage or configuration error, 3 connection, 4 runtime failure.`)
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = loadCommandConfig(flags, context);
      const report = await runEngine({
        config, logger, apply: !config.dryRun, collectSql: flags.printSql === true,
        bulkCopyWhenEmpty: true, createMissing: flags.createMissing === true,
      });
      if (config.json) {
        context.stdout.write(`${JSON.stringify(redactValue({ ok: allEqual(report, !config.dryRun), dryRun: config.dryRun, ...report }), null, 2)}\n`);
      } else {
        if (flags.printSql === true) for (const t of report.tables) for (const sql of 'statements' in t ? t.statements : []) context.stdout.write(`${sql};\n`);
        context.stdout.write(formatSyncReport(report, 'sync', config.dryRun));
      }
      const failed = report.tables.some((t) => t.status === 'error');
      context.exitCode = failed ? 4 : config.dryRun ? (report.tables.every((t) => t.reason === undefined) ? 0 : 1) : allEqual(report, true) ? 0 : 1;
    });
}
