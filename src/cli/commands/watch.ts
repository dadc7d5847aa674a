import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerWatchCommand(program: Command): void {
  addNotBuiltCommand(program, 'watch', 'poll change signatures and sync on change (no binlog needed)', (command) => {
    addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'keepFkChecks', 'detector', 'state']);
    command.addOption(new Option('--interval <duration>', 'poll interval, e.g. 30s (default 30s)'));
  });
}
