import type { Command } from 'commander';
import { parseDatabaseUrl } from '../../config/database-url.js';
import type { PreflightReport } from '../../preflight/run-preflight.js';
import { runPreflight } from '../../preflight/run-preflight.js';
import { startMariaDbServer, type MariaDbServer } from '../../sandbox/mariadb-server.js';
import { sampleRowsSql, sampleSchemaSql } from '../../sandbox/sample-schema.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { formatPreflight } from '../print-preflight.js';

const EXPECTED_BLOCKERS = ['binlog.row-image', 'table.no-key', 'privilege.missing'];

/**
 * Runs scsc against two throwaway MariaDB servers it starts itself: a clean preflight, then the same
 * preflight after three typical misconfigurations, which it must catch. Needs only mariadb-server.
 */
export function registerDemoCommand(program: Command, context: CliContext): void {
  const command = program
    .command('demo')
    .description('start two throwaway MariaDB servers and show scsc at work on them (needs mariadb-server installed)');
  addOptions(command, ['logLevel']);
  command.action(async (flags: Record<string, unknown>) => {
      const { logger } = loadCommandConfig(flags, context);
      logger.info('starting two throwaway MariaDB servers (source with ROW binlog, target)');
      const started = await Promise.allSettled([startMariaDbServer({ name: 'demo-source' }), startMariaDbServer({ name: 'demo-target' })]);
      const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      try {
        const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        const [source, target] = servers as [MariaDbServer, MariaDbServer];
        await Promise.all([source.sql(sampleSchemaSql('shop') + sampleRowsSql('shop')), target.sql(sampleSchemaSql('shop'))]);
        logger.info({ source: source.url('shop'), target: target.url('shop') }, 'sample shop schema loaded');

        const clean = await preflight(source, target, 'root');
        context.stdout.write(`\n== 1. a well-configured pair ==\n${formatPreflight(clean)}`);

        await source.sql("SET GLOBAL binlog_row_image = 'MINIMAL'; CREATE TABLE shop.audit_log (at DATETIME, note TEXT)");
        await target.sql("CREATE USER 'reporter'@'%' IDENTIFIED BY 'demo-secret'; GRANT SELECT ON shop.* TO 'reporter'@'%'");
        const broken = await preflight(source, target, 'reporter', 'demo-secret');
        context.stdout.write(`\n== 2. the same pair with MINIMAL row images, a table without a key and a read-only target user ==\n${formatPreflight(broken)}`);

        const caught = EXPECTED_BLOCKERS.every((check) => broken.findings.some((f) => f.check === check && f.severity === 'blocker'));
        context.stdout.write(`\n${clean.ok && caught ? 'demo passed: the clean pair is ready, every planted problem was caught with its fix' : 'demo FAILED: the preflight missed something'}\n`);
        context.exitCode = clean.ok && caught ? 0 : 1;
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        logger.info('throwaway servers stopped and removed');
      }
    });
}

async function preflight(source: MariaDbServer, target: MariaDbServer, targetUser: string, targetPassword?: string): Promise<PreflightReport> {
  return runPreflight({
    intent: 'replicate',
    source: parseDatabaseUrl(source.url('shop'), 'demo source'),
    target: parseDatabaseUrl(target.url('shop', targetUser, targetPassword), 'demo target'),
  });
}
