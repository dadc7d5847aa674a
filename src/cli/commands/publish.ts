import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerPublishCommand(program: Command): void {
  addNotBuiltCommand(program, 'publish', 'binlog to Kafka: one topic per table, Debezium envelope', (command) => {
    addOptions(command, ['source', 'kafka', 'include', 'exclude']);
    command.addOption(new Option('--topic-prefix <prefix>', 'topic name prefix (default scsc)'));
  });
}
