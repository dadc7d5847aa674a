import { Option, type Command } from 'commander';

const list = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value.split(',').map((s) => s.trim()).filter(Boolean),
];

/**
 * Options shared by several commands. None has a commander default: an option the user did not give
 * must stay undefined so that environment, config file and built-in defaults apply in that order.
 */
export const commonOptions = {
  source: () => new Option('--source <url>', 'source database URL mysql://user:pass@host:port/db (env SCSC_SOURCE_URL)'),
  target: () => new Option('--target <url>', 'target database URL (env SCSC_TARGET_URL)'),
  a: () => new Option('--a <url>', 'first database URL of a two-way pair (env SCSC_A_URL)'),
  b: () => new Option('--b <url>', 'second database URL of a two-way pair (env SCSC_B_URL)'),
  include: () => new Option('--include <tables>', 'only these tables: names or globs, comma separated or repeated').argParser(list),
  exclude: () => new Option('--exclude <tables>', 'skip these tables: names or globs, comma separated or repeated').argParser(list),
  batchSize: () => new Option('--batch-size <rows>', 'rows per write batch (default 1000)'),
  workers: () => new Option('--workers <n>', 'tables processed in parallel (default: from CPU count)'),
  dryRun: () => new Option('--dry-run', 'plan and report, write nothing'),
  keepFkChecks: () => new Option('--keep-fk-checks', 'keep foreign key checks on in writing sessions (default: off)'),
  fireTriggers: () => new Option('--fire-triggers', 'write tables that have triggers on the target and let the triggers run for every row written (default: such tables are refused; a native replica does not run them)'),
  detector: () => new Option('--detector <kind>', 'change signature: auto | binlog | content | off (default auto)'),
  state: () => new Option('--state <file>', 'state file for change signatures (default .scsc/state.json)'),
  kafka: () => new Option('--kafka <brokers>', 'Kafka bootstrap brokers host:port[,host:port]'),
  config: () => new Option('--config <file>', 'YAML config file (env SCSC_CONFIG)'),
  json: () => new Option('--json', 'print a machine-readable summary on stdout'),
  logLevel: () => new Option('--log-level <level>', 'fatal | error | warn | info | debug | trace | silent (default info)'),
};

export type CommonOptionName = keyof typeof commonOptions;

export function addOptions(command: Command, names: CommonOptionName[]): Command {
  for (const name of names) command.addOption(commonOptions[name]());
  for (const name of ['config', 'json', 'logLevel'] as const) {
    if (!names.includes(name)) command.addOption(commonOptions[name]());
  }
  return command;
}
