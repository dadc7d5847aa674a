import type { Command } from 'commander';
import { describeEndpoint, type DatabaseUrl } from '../../config/database-url.js';
import { redactValue } from '../../core/redact.js';
import { ScscError } from '../../core/scsc-error.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { formatStatus, statusJson } from '../print-status.js';
import type { DatabaseUrlWithName } from '../read-status.js';

export function registerStatusCommand(program: Command, context: CliContext): void {
  const command = program
    .command('status')
    .description('checkpoints and lag of the streams writing into the target');
  addOptions(command, ['target', 'source']);
  command
    .addHelpText('after', `
Reads the _scsc_checkpoint table that \`scsc replicate\` keeps in the target database and prints, per stream
(one per source), the restart point and the source server it belongs to, and, per lane (table), the last
applied binlog position, the rows applied, the source commit time of the last applied change, when it was
applied, the lag between the two and how long the lane has been idle. With --source, also the source's binlog
head and how far the restart point is behind it (bytes in the same binlog file, else binlog files), or that
the source is another server now (a failover: scsc replicate stops with SOURCE_CHANGED); only that source's
stream is shown. Reads only; safe while scsc replicate runs. Exit status: 0 printed, 1 no checkpoint in the
target (scsc replicate never ran there, or not for --source), 2 usage or configuration error, 3 a server
unreachable, 4 runtime failure.`)
    .action(async (flags: Record<string, unknown>) => {
      const { config } = await loadCommandConfig(flags, context);
      const target = requireDatabaseUrl(config.target, '--target', 'SCSC_TARGET_URL');
      const source = config.source === undefined ? undefined : requireDatabaseUrl(config.source, '--source', 'SCSC_SOURCE_URL');
      const { readStatus } = await import('../read-status.js');
      const result = await readStatus(target, source);
      if (typeof result === 'string') {
        context.stderr.write(`scsc: ${result}\n`);
        if (config.json) context.stdout.write(`${JSON.stringify(redactValue({ ok: false, target: describeEndpoint(target), message: result, streams: [] }))}\n`);
        context.exitCode = 1;
        return;
      }
      context.stdout.write(config.json ? `${JSON.stringify(redactValue(statusJson(result)))}\n` : formatStatus(result));
      context.exitCode = 0;
    });
}

function requireDatabaseUrl(url: DatabaseUrl | undefined, flag: string, env: string): DatabaseUrlWithName {
  if (url === undefined) throw new ScscError('URL_MISSING', `${flag} is required (or ${env})`);
  if (url.database === undefined) {
    throw new ScscError('URL_INVALID', `${flag} needs a database: ${url.display}`, { fix: 'add the database to the URL path: mysql://user@host:3306/<database>' });
  }
  return url as DatabaseUrlWithName;
}
