import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerApplyCommand(program: Command): void {
  addNotBuiltCommand(program, 'apply', 'Kafka to target: consume table topics in a consumer group and apply them', (command) => {
    addOptions(command, ['kafka', 'target', 'include', 'exclude', 'batchSize', 'keepFkChecks']);
    command.addOption(new Option('--group <group>', 'consumer group id (default scsc-apply)'));
    command.addOption(new Option('--topic-prefix <prefix>', 'topic name prefix (default scsc)'));
  });
}
