import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerBidirectionalCommand } from './commands/bidirectional.js';
import { registerCheckCommand } from './commands/check.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerPublishCommand } from './commands/publish.js';
import { registerReconcileCommand } from './commands/reconcile.js';
import { registerReplicateCommand } from './commands/replicate.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSyncCommand } from './commands/sync.js';
import { registerWatchCommand } from './commands/watch.js';
import { packageVersion } from './package-version.js';

export function buildProgram(context: CliContext): Command {
  const program = new Command('scsc')
    .description('Keeps MySQL/MariaDB databases in sync: binlog CDC, hash-diff reconcile, two-way sync')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      outputError: () => undefined,
    })
    .addHelpText('after', '\nExit status: 0 success / in sync, 1 differences or blockers remain, 2 usage or configuration error,\n3 cannot reach or log in to a server, 4 runtime failure, 5 command not built yet.');

  registerCheckCommand(program, context);
  registerSyncCommand(program, context);
  registerReconcileCommand(program, context);
  registerWatchCommand(program, context);
  registerReplicateCommand(program, context);
  registerPublishCommand(program);
  registerApplyCommand(program);
  registerBidirectionalCommand(program);
  registerStatusCommand(program, context);
  registerDemoCommand(program, context);
  return program;
}
