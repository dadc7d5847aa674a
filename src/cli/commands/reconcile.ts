import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { allEqual } from '../print-sync-report.js';
import { writeSyncOutput } from '../write-sync-output.js';

export function registerReconcileCommand(program: Command, context: CliContext): void {
  const command = program
    .command('reconcile')
    .description('hash-diff report of source vs target: rows missing / extra / different (read-only unless --repair)');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'keepFkChecks', 'fireTriggers']);
  command
    .addOption(new Option('--repair', 'apply the statements that make the target equal'))
    .addOption(new Option('--print-sql', 'print the statements that would fix the differences'))
    .addHelpText('after', '\nExit status: 0 equal (or repaired), 1 differences remain, 2 usage or configuration error, 3 connection, 4 runtime failure.')
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = await loadCommandConfig(flags, context);
      const { runEngine } = await import('../run-engine.js');
      const repair = flags.repair === true;
      const report = await runEngine({
        config, logger, apply: repair, collectSql: flags.printSql === true, bulkCopyWhenEmpty: false, createMissing: false, writes: repair,
      });
      const equal = allEqual(report, repair);
      await writeSyncOutput(context, report, {
        verb: 'reconcile', json: config.json, printSql: flags.printSql === true, readOnly: !repair,
        header: { ok: equal, repaired: repair },
      });
      context.exitCode = report.tables.some((t) => t.status === 'error') ? 4 : equal ? 0 : 1;
    });
}
