import { Option, type Command } from 'commander';
import { redactValue } from '../../core/redact.js';
import { ScscError } from '../../core/scsc-error.js';
import { INTENTS, type Intent } from '../../preflight/finding.js';
import { runPreflight } from '../../preflight/run-preflight.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { formatPreflight } from '../print-preflight.js';

export function registerCheckCommand(program: Command, context: CliContext): void {
  const command = program
    .command('check')
    .description('preflight: binlog settings, privileges, keys and column types, each problem with its fix');
  addOptions(command, ['source', 'target']);
  command
    .addOption(new Option('--for <command>', 'the command you intend to run; decides what blocks').choices(INTENTS).default('replicate'))
    .addHelpText('after', '\nExit status: 0 nothing blocks the intended command, 1 something does, 2 bad usage or configuration.')
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = loadCommandConfig(flags, context);
      const intent = flags.for as Intent;
      const needsSource = intent !== 'apply';
      const needsTarget = intent !== 'publish';
      if (config.source === undefined && config.target === undefined) {
        throw new ScscError('URL_MISSING', 'scsc check needs --source and/or --target (or SCSC_SOURCE_URL / SCSC_TARGET_URL)');
      }
      logger.debug({ intent }, 'running preflight');
      const report = await runPreflight({
        intent,
        ...(needsSource && config.source !== undefined ? { source: config.source } : {}),
        ...(needsTarget && config.target !== undefined ? { target: config.target } : {}),
      });
      context.stdout.write(config.json ? `${JSON.stringify(redactValue(report), null, 2)}\n` : formatPreflight(report));
      context.exitCode = report.ok ? 0 : 1;
    });
}
