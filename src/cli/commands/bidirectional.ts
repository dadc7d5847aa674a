import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerBidirectionalCommand(program: Command): void {
  addNotBuiltCommand(program, 'bidirectional', 'two-way sync between --a and --b with loop suppression', (command) => {
    addOptions(command, ['a', 'b', 'include', 'exclude', 'batchSize', 'keepFkChecks']);
    command.addOption(new Option('--conflict <policy>', 'a-wins | b-wins | newer:<column> | record (default a-wins)'));
  });
}
