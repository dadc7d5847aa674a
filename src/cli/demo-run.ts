import { runOneWay } from '../../streams/one-way.js';
import { resolveConfig } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/config-schema.js';
import type { Boundary } from '../core/position.js';
import { createLogger } from '../observability/logger.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { runSync } from '../reconcile/sync-run.js';
import { DemoLagProbe } from '../sandbox/demo-lag-probe.js';
import { startDemoWorkload } from '../sandbox/demo-workload.js';
import type { MariaDbServer } from '../sandbox/mariadb-server.js';
import { sampleRowsSql, sampleSchemaSql } from '../sandbox/sample-schema.js';
import type { CliContext } from './cli-context.js';

/** The demo itself on two started servers: snapshot, live workload with figures, catch-up, reconcile. Exit status. */
export async function runDemo(source: MariaDbServer, target: MariaDbServer, seconds: number, out: (line: string) => void, context: CliContext): Promise<number> {
  await source.sql(`${sampleSchemaSql('shop')}${sampleRowsSql('shop')}`);
  await target.sql('CREATE DATABASE shop');
  out('== scsc demo: live one-way replication between two throwaway MariaDB servers ==');
  out(`source  ${source.url('shop')}  (sample shop schema and rows; ROW binlog, FULL row metadata)`);
  out(`target  ${target.url('shop')}  (empty database)`);

  const config = resolveConfig({ flags: { source: source.url('shop'), target: target.url('shop'), logLevel: 'warn' }, env: {}, cwd: context.cwd });
  const preflight = await runPreflight({ intent: 'replicate', source: config.source!, target: config.target! });
  const blockers = preflight.findings.filter((f) => f.severity === 'blocker').length;
  out(`preflight (scsc check --for replicate): ${preflight.ok ? 'ready' : 'NOT ready'}, ${blockers} blockers, ${preflight.findings.length - blockers} warnings`);
  if (!preflight.ok) return 1;

  const stop = new AbortController();
  let markStreaming: (applied: () => Boundary) => void = () => undefined;
  const streaming = new Promise<() => Boundary>((resolve) => {
    markStreaming = resolve;
  });
  const replication = runOneWay({
    config, logger: createLogger({ level: 'warn' }), stop: stop.signal,
    onStreaming: (_from, applied) => {
      out('snapshot done (tables created and copied in one consistent read view); streaming the binlog');
      markStreaming(applied);
    },
  });
  let probe: DemoLagProbe | undefined;
  try {
    const ended = replication.then(() => Promise.reject(new Error('replication ended before it streamed')));
    probe = await DemoLagProbe.open(source, target, 'shop', await Promise.race([streaming, ended]));
    return await demonstrate(probe, source, seconds, out, stop, replication, config);
  } finally {
    stop.abort();
    await replication.catch(() => undefined); // its failure, if any, was thrown above
    await probe?.close();
  }
}

async function demonstrate(probe: DemoLagProbe, source: MariaDbServer, seconds: number, out: (line: string) => void,
  stop: AbortController, replication: Promise<void>, config: ResolvedConfig): Promise<number> {
  probe.start();

  out(`workload: orders with their lines, status and price changes, deletions, for ${seconds} s`);
  const workload = startDemoWorkload(source, 'shop');
  const startedAt = Date.now();
  let lastTransactions = 0;
  const timer = setInterval(() => {
    void probe.sample().then((sample) => {
      const done = workload.transactions;
      out(`t=${String(Math.round((Date.now() - startedAt) / 1000)).padStart(3)}s  source ${String(done - lastTransactions).padStart(5)} txn/s  target ${String(sample.targetRows).padStart(6)} order rows  lag ${sample.lagMs} ms`);
      lastTransactions = done;
    }, () => undefined);
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(timer);
  await workload.stop();
  const lastWriteAt = Date.now();
  out(`workload stopped after ${workload.transactions} transactions; waiting for the target to catch up`);
  const caughtUp = await probe.waitUntilCaughtUp(lastWriteAt, 30_000);
  out(caughtUp === undefined ? 'the target did NOT catch up within 30 s' : `caught up ${caughtUp} ms after the last write; lag while writing: ${probe.summary()}`);
  stop.abort();
  await replication;
  out('replication stopped (SIGINT does the same: batches in flight finish, checkpoints saved)');

  const report = await runSync({
    source: config.source!, target: config.target!, include: [], exclude: [], workers: 2, batchSize: 1000,
    apply: false, collectSql: false, bulkCopyWhenEmpty: false, keepFkChecks: false, createMissing: false,
  });
  const differing = report.tables.filter((t) => t.status !== 'equal');
  out(`reconcile (scsc reconcile): ${report.tables.map((t) => `${t.table} ${t.status}`).join(', ')}`);
  out(differing.length === 0 && caughtUp !== undefined ? 'demo passed: the target is identical to the source, row for row' : 'demo FAILED: the target differs from the source');
  return differing.length === 0 && caughtUp !== undefined ? 0 : 1;
}
