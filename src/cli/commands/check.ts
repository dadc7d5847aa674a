import { Option, type Command } from 'commander';
import { redactValue } from '../../core/redact.js';
import { ScscError } from '../../core/scsc-error.js';
import { INTENTS, type Intent } from '../../preflight/finding.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { formatPreflight } from '../print-preflight.js';

/** Which URLs each intended command reads: [source role, target role]. */
const NEEDS: Record<Intent, { source: boolean; target: 'required' | 'optional' | 'unused' }> = {
  sync: { source: true, target: 'optional' },
  reconcile: { source: true, target: 'optional' },
  watch: { source: true, target: 'optional' },
  replicate: { source: true, target: 'optional' },
  publish: { source: true, target: 'unused' },
  apply: { source: false, target: 'required' },
  bidirectional: { source: true, target: 'required' },
};

export function registerCheckCommand(program: Command, context: CliContext): void {
  const command = program
    .command('check')
    .description('preflight: binlog settings, privileges, keys and column types, each problem with its fix');
  addOptions(command, ['source', 'target', 'a', 'b']);
  command
    .addOption(new Option('--for <command>', 'the command you intend to run; decides what blocks').choices(INTENTS).default('replicate'))
    .addHelpText('after', `
--for apply checks only --target; --for publish only --source; --for bidirectional takes --a/--b (or
--source/--target) and checks both as source and target; the others need --source and check --target
when given. Exit status: 0 nothing blocks the intended command, 1 something does, 2 bad usage or
configuration.`)
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = await loadCommandConfig(flags, context);
      const intent = flags.for as Intent;
      const needs = NEEDS[intent];
      const source = intent === 'bidirectional' ? (config.a ?? config.source) : config.source;
      const target = intent === 'bidirectional' ? (config.b ?? config.target) : config.target;
      if (needs.source && source === undefined) {
        throw new ScscError('URL_MISSING', `scsc check --for ${intent} needs ${intent === 'bidirectional' ? '--a' : '--source'} (or ${intent === 'bidirectional' ? 'SCSC_A_URL' : 'SCSC_SOURCE_URL'})`);
      }
      if (needs.target === 'required' && target === undefined) {
        throw new ScscError('URL_MISSING', `scsc check --for ${intent} needs ${intent === 'bidirectional' ? '--b' : '--target'} (or ${intent === 'bidirectional' ? 'SCSC_B_URL' : 'SCSC_TARGET_URL'})`);
      }
      const unused = [!needs.source && source !== undefined ? '--source' : undefined, needs.target === 'unused' && target !== undefined ? '--target' : undefined].filter(Boolean);
      if (unused.length > 0) logger.warn(`--for ${intent} does not use ${unused.join(' and ')}; not checked`);
      const { runPreflight } = await import('../../preflight/run-preflight.js');
      const report = await runPreflight({
        intent,
        ...(needs.source && source !== undefined ? { source } : {}),
        ...(needs.target !== 'unused' && target !== undefined ? { target } : {}),
      });
      context.stdout.write(config.json ? `${JSON.stringify(redactValue(report), null, 2)}\n` : formatPreflight(report));
      context.exitCode = report.ok ? 0 : 1;
    });
}
