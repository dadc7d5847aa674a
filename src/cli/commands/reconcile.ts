import { Option, type Command } from 'commander';
import { redactValue } from '../../core/redact.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { allEqual, formatSyncReport } from '../print-sync-report.js';
import { runEngine } from '../run-engine.js';

export function registerReconcileCommand(program: Command, context: CliContext): void {
  const command = program
    .command('reconcile')
    .description('hash-diff report of source vs target: rows missing / extra / different (read-only unless --repair)');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'keepFkChecks']);
  command
    .addOption(new Option('--repair', 'apply the statements that make the target equal'))
    .addOption(new Option('--print-sql', 'print the statements that would fix the differences'))
    .addHelpText('after', '\nExit status: 0 equal (or repaired), 1 differences remain, 2 usage or configuration error, 3 connection, 4 runtime failure.')
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = loadCommandConfig(flags, context);
      const repair = flags.repair === true;
      const report = await runEngine({
        config, logger, apply: repair, collectSql: flags.printSql === true, bulkCopyWhenEmpty: false, createMissing: false,
      });
      const equal = allEqual(report, repair);
      if (config.json) {
        context.stdout.write(`${JSON.stringify(redactValue({ ok: equal, repaired: repair, ...report }), null, 2)}\n`);
      } else {
        if (flags.printSql === true) for (const t of report.tables) for (const sql of 'statements' in t ? t.statements : []) context.stdout.write(`${sql};\n`);
        context.stdout.write(formatSyncReport(report, 'reconcile', !repair));
      }
      context.exitCode = report.tables.some((t) => t.status === 'error') ? 4 : equal ? 0 : 1;
    });
}
