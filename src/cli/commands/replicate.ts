import { Option, type Command } from 'commander';
import { addOptions } from '../common-options.js';
import { addNotBuiltCommand } from '../not-built.js';

export function registerReplicateCommand(program: Command): void {
  addNotBuiltCommand(program, 'replicate', 'continuous one-way CDC from the source binlog to the target', (command) => {
    addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'keepFkChecks', 'kafka']);
    command.addOption(new Option('--reconcile-every <duration>', 'background hash-diff pass every DURATION, e.g. 1h'));
    command.addOption(new Option('--consistency <mode>', 'table (per-table lanes) | transaction (source transactions atomic)'));
    command.addOption(new Option('--ddl <mode>', 'apply | stop: what to do with DDL in the stream (default apply)'));
    command.addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics on this port'));
  });
}
