import { Option, type Command } from 'commander';
import { ScscError } from '../../core/scsc-error.js';
import type { CliContext } from '../cli-context.js';
import { addOptions } from '../common-options.js';
import { loadCommandConfig } from '../load-command-config.js';
import { runUntilSignal } from '../stop-on-signal.js';

export function registerReplicateCommand(program: Command, context: CliContext): void {
  const command = program
    .command('replicate')
    .description('continuous one-way CDC from the source binlog to the target');
  addOptions(command, ['source', 'target', 'include', 'exclude', 'batchSize', 'workers', 'keepFkChecks', 'fireTriggers', 'kafka']);
  command
    .addOption(new Option('--consistency <mode>', 'table: one lane per table, tables in parallel (default) | transaction: source transactions applied atomically, in one lane'))
    .addOption(new Option('--max-transaction-mib <n>', 'the most row changes (MiB) held in memory until their commit arrives (every transaction with --consistency transaction; prepared XA transactions in any mode); past it scsc stops with TRANSACTION_TOO_LARGE (default 256)'))
    .addOption(new Option('--ddl <mode>', 'apply: run DDL of replicated tables on the target (default) | stop: stop before it'))
    .addOption(new Option('--resnapshot-on-purge', 'when the restart point can no longer be read from the source binlog (purged, or the binlog lost its end or was reset), compare and repair every table again instead of failing'))
    .addOption(new Option('--resnapshot-on-source-change', 'when --source reaches another server than the stream was read from (a failover behind the same address), compare and repair every table against it and stream from it, instead of failing'))
    .addOption(new Option('--reconcile-every <duration>', 'a hash-diff pass every DURATION (e.g. 1h) beside the stream; differences still there once the stream caught up are drift'))
    .addOption(new Option('--repair', 'with --reconcile-every: repair the drift found'))
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics at http://127.0.0.1:PORT/metrics (0 picks a free port)'))
    .addHelpText('after', `
First start (no checkpoint in the target's _scsc_checkpoint table for this source): notes the source's binlog
position, makes every selected table equal with the hash-diff sync (bulk copy into empty tables), then streams
from the noted position. Later starts resume from the checkpoint: each batch commits with its lane's checkpoint
in one target transaction, so a restart (even after kill -9) neither loses nor repeats a change.
The source needs log_bin, binlog_format=ROW, binlog_row_image=FULL and an account with REPLICATION SLAVE and
REPLICATION CLIENT (BINLOG MONITOR on MariaDB); \`scsc check --for replicate\` verifies all of it.
Runs until SIGINT/SIGTERM: batches in flight finish and are checkpointed, then scsc exits 0 (a second signal
exits at once; the checkpoint keeps that safe too). Exit status: 0 stopped by a signal, 2 usage or configuration
error, 3 a server unreachable at start, 4 runtime failure (the message names it).`)
    .action(async (flags: Record<string, unknown>) => {
      const { config, logger } = await loadCommandConfig(flags, context);
      if (config.kafka.length > 0) throw new ScscError('NOT_IMPLEMENTED', 'scsc replicate --kafka is not built yet', { fix: 'replicate directly (without --kafka)' });
      if (flags.repair === true && config.reconcileEvery === undefined) throw new ScscError('USAGE', '--repair needs --reconcile-every (it repairs what the scheduled passes find)');
      // Loaded here, not at start-up: the binlog reader and RxJS are a third of every other command's start.
      // prom-client too, only when metrics are served.
      const [{ runOneWay }, metricsModule] = await Promise.all([
        import('../../../streams/one-way.js'),
        config.metricsPort === undefined ? undefined : import('../../observability/replication-metrics.js'),
      ]);
      const metrics = metricsModule === undefined ? undefined : new metricsModule.ReplicationMetrics();
      const server = metrics === undefined ? undefined : await metrics.serve(config.metricsPort ?? 0);
      if (server !== undefined) logger.info({ url: `http://127.0.0.1:${server.port}/metrics` }, 'serving Prometheus metrics');
      let lastApplied = -1;
      try {
        await runUntilSignal(logger, 'stopping: batches in flight finish and are checkpointed; send the signal again to exit at once', (stop) =>
          runOneWay({
            config, logger, stop, ...(metrics === undefined ? {} : { metrics }), repair: flags.repair === true,
            onStats: (figures) => {
              if (figures.applied === lastApplied) return;
              lastApplied = figures.applied;
              logger.info(figures, `replicating: ${figures.rowsPerSecond} rows/s, lag ${figures.lagMs ?? '-'} ms`);
            },
          }));
      } finally {
        await server?.close();
      }
      context.exitCode = 0;
    });
}
