import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { checked, createCdcSchema, differingTables, waitForMarkers, writeBacklog } from './cdc-workload.js';
import { cpuSeconds, replicaError, serverPid, startReplica, startReplicate, waitForReplica } from './replica-workload.js';

const DATABASE = 'cdc';
const TIMEOUT_MS = 20 * 60_000;

/**
 * Replay of one binlog backlog (8 tables, mixed inserts/updates/deletes, written before any replayer
 * runs) by MariaDB replicas and by `scsc replicate`, each alone and from the same start position,
 * timed until the end marker row is visible in every table, then checked with CHECKSUM TABLE.
 * scsc is timed from process start (start-up included); the catch-up after its 'streaming' log
 * line is shown too.
 */
export async function replicateBench(source: MariaDbServer, target: MariaDbServer, changes: number): Promise<BenchResult[]> {
  const serverArgs = ['--innodb-buffer-pool-size=512M'];
  const prefill = Math.max(1000, Math.floor(changes / 16));
  const replicas = await Promise.all([
    startReplica(source, 'bench-replica', serverArgs),
    startReplica(source, 'bench-replica-par', [...serverArgs, '--slave-parallel-threads=4', '--slave-parallel-mode=optimistic']),
  ]);
  try {
    console.error(`replicate: ${prefill.toLocaleString('en')} rows per table before the start point`);
    await createCdcSchema(source, DATABASE, prefill);
    await createCdcSchema(target, DATABASE);
    const first = startReplicate(source, target, DATABASE);
    await first.streaming;
    await first.stop();
    for (const replica of replicas) {
      await waitForReplica(replica, source);
      await replica.sql('STOP SLAVE');
    }

    const backlog = await writeBacklog(source, DATABASE, changes, prefill);
    console.error(`replicate: backlog of ${backlog.changes.toLocaleString('en')} row changes in ${backlog.transactions.toLocaleString('en')} transactions written in ${backlog.seconds.toFixed(1)} s`);
    const rate = (ms: number): string => `${(backlog.changes / (ms / 1000) / 1000).toFixed(1)}k changes/s`;

    const native: { label: string; ms: number; cpu: number; check: string }[] = [];
    for (const [replica, label] of [[replicas[0], 'MariaDB replica, 1 SQL thread'], [replicas[1], 'MariaDB replica, 4 threads optimistic']] as const) {
      const started = performance.now();
      const cpuBefore = cpuSeconds(serverPid(replica));
      await replica.sql('START SLAVE');
      await waitForMarkers(replica, DATABASE, { timeoutMs: TIMEOUT_MS, failure: () => replicaError(replica) });
      const ms = performance.now() - started;
      const cpu = cpuSeconds(serverPid(replica)) - cpuBefore;
      native.push({ label, ms, cpu, check: checked(await differingTables(source, replica, DATABASE)) });
      await replica.stop();
    }

    const targetCpuBefore = cpuSeconds(serverPid(target));
    const scsc = startReplicate(source, target, DATABASE);
    let ms: number;
    let cpu: { scsc: number; target: number };
    try {
      ms = await waitForMarkers(target, DATABASE, { timeoutMs: TIMEOUT_MS, failure: () => Promise.resolve(scsc.failure()) });
      cpu = { scsc: cpuSeconds(scsc.pid), target: cpuSeconds(serverPid(target)) - targetCpuBefore };
    } finally {
      await scsc.stop();
    }
    const startUp = await scsc.streaming;
    const scscCheck = checked(await differingTables(source, target, DATABASE));

    const name = `replay a ${backlog.changes.toLocaleString('en')}-change backlog, 8 tables (${backlog.transactions.toLocaleString('en')} txns)`;
    const scscText = `${(ms / 1000).toFixed(2)} s = ${rate(ms)} (start-up ${(startUp / 1000).toFixed(2)} s, then ${rate(ms - startUp)}); `
      + `CPU ${cpu.scsc.toFixed(1)} s scsc + ${cpu.target.toFixed(1)} s target server; ${scscCheck}`;
    return native.map((peer) => ({
      name,
      scsc: scscText,
      peer: `${peer.label} ${(peer.ms / 1000).toFixed(2)} s = ${rate(peer.ms)}; CPU ${peer.cpu.toFixed(1)} s replica server; ${peer.check}`,
      ratio: peer.ms / ms,
    }));
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all([source, target].map((s) => s.sql(`DROP DATABASE IF EXISTS ${DATABASE}`)));
  }
}
