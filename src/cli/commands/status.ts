import type { Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerStatusCommand(program: Command): void {
  addNotBuiltCommand(program, 'status', 'checkpoints and lag of the streams writing into the target', (command) => {
    addOptions(command, ['target']);
  });
}
