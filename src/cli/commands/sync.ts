import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerSyncCommand(program: Command): void {
  addNotBuiltCommand(program, 'sync', 'one-time sync: make every common table of the target equal to the source', (command) => {
    addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'dryRun', 'keepFkChecks', 'detector', 'state']);
    command.addOption(new Option('--create-missing', 'create source tables missing on the target'));
  });
}
