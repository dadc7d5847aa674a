import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { WatchRound } from '../../../streams/watch.js';
import { redactValue } from '../../core/redact.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { runUntilSignal } from '../stop-on-signal.js';
import { formatSyncReport } from '../print-sync-report.js';

export function registerWatchCommand(program: Command, context: CliContext): void {
  const command = program
    .command('watch')
    .description('poll change signatures and sync on change (no binlog needed)');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'keepFkChecks', 'fireTriggers', 'detector', 'state']);
  command
    .addOption(new Option('--interval <duration>', 'poll interval, e.g. 30s (default 30s)'))
    .addHelpText('after', `
Every interval, reads the source's change signature (--detector auto: the binlog position, or a checksum
per selected table when the binlog cannot be read) and runs the same sync as \`scsc sync\` when it differs
from the one stored in --state after the last successful sync. Runs until SIGINT/SIGTERM: the table in
progress stops after its statement in flight, then scsc exits 0 (a second signal exits at once).
With --json, one JSON object per round on stdout. Exit status: 0 stopped by a signal, 2 usage or
configuration error, 3 a server unreachable in the first round, 4 runtime failure.`)
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = await loadCommandConfig(flags, context);
      const { runWatch } = await import('../../../streams/watch.js');
      const print = (round: WatchRound): void => {
        if (config.json) context.stdout.write(`${JSON.stringify(redactValue(round))}\n`);
        else if (round.report !== undefined) context.stdout.write(formatSyncReport(round.report, 'sync', false));
      };
      await runUntilSignal(logger, 'watch stops after the current round; send the signal again to exit at once', (stop) =>
        runWatch({ config, logger, statePath: resolve(context.cwd, config.state), stop, onRound: print }));
      context.exitCode = 0;
    });
}
