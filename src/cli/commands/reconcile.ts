import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerReconcileCommand(program: Command): void {
  addNotBuiltCommand(program, 'reconcile', 'hash-diff report of source vs target (read-only unless --repair)', (command) => {
    addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers']);
    command.addOption(new Option('--repair', 'apply the statements that make the target equal'));
    command.addOption(new Option('--print-sql', 'print the statements that would fix the differences'));
  });
}
