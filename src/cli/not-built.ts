import type { Command } from 'commander';
import { ScscError } from '../core/scsc-error.js';
import { INTENTS, type Intent } from '../preflight/finding.js';

export const NOT_BUILT = '[not built yet]';

/** Registers a command of DESIGN's command line whose engine is not built yet: it says so and fails. */
export function addNotBuiltCommand(program: Command, name: string, description: string, define: (command: Command) => void): void {
  const command = program.command(name).description(`${description} ${NOT_BUILT}`);
  define(command);
  command.action(() => {
    const hint = INTENTS.includes(name as Intent) ? `; \`scsc check --for ${name}\` already tells whether your servers are ready for it` : '';
    throw new ScscError('NOT_IMPLEMENTED', `scsc ${name} is not built yet${hint}`);
  });
}
