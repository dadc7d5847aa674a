import { Option, type Command } from 'commander';
import { ScscError } from '../../core/scsc-error.js';
import type { MariaDbServer } from '../../sandbox/mariadb-server.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';

/**
 * The README's first command: two throwaway MariaDB servers, `scsc replicate` between them while a
 * workload writes to the source (throughput and lag every second), then a reconcile that must find
 * the two databases identical. Needs only mariadb-server installed.
 */
export function registerDemoCommand(program: Command, context: CliContext): void {
  const command = program
    .command('demo')
    .description('live replication between two throwaway MariaDB servers, then a reconcile (needs mariadb-server installed)')
    .addOption(new Option('--seconds <n>', 'how long the workload writes (default 10)'));
  addOptions(command, ['logLevel']);
  command.action(async (flags: Record<string, unknown>) => {
    const { logger } = await loadCommandConfig(flags, context);
    const seconds = Number(flags.seconds ?? 10);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new ScscError('USAGE', `--seconds must be a number from 1 to 3600, not ${String(flags.seconds)}`);
    const out = (line: string): void => void context.stdout.write(`${line}\n`);
    logger.info('starting two throwaway MariaDB servers (source with ROW binlog and FULL row metadata, target)');
    const { startMariaDbServer } = await import('../../sandbox/mariadb-server.js');
    const started = await Promise.allSettled([startMariaDbServer({ name: 'demo-source', binlogRowMetadata: 'FULL' }), startMariaDbServer({ name: 'demo-target' })]);
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      const [source, target] = servers as [MariaDbServer, MariaDbServer];
      const { runDemo } = await import('../demo-run.js');
      context.exitCode = await runDemo(source, target, seconds, out, context);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      logger.info('throwaway servers stopped and removed');
    }
  });
}
