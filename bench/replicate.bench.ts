import { setTimeout as delay } from 'node:timers/promises';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median, type BenchResult } from './bench-result.js';
import { CDC_TABLES, checked, createCdcSchema, differingTables, restoreBase, saveBase, waitForMarkers, writeBacklog } from './cdc-workload.js';
import { cpuSeconds, replicaError, serverPid, sourceGtid, startReplica, startReplicate, waitForReplica } from './replica-workload.js';

const DATABASE = 'cdc';
const TIMEOUT_MS = 20 * 60_000;
/** Tables a replayer's copy is reset to before each round: scsc's checkpoints hold its start position. */
const SCSC_TABLES = [...CDC_TABLES, '_scsc_checkpoint'];

interface Run {
  ms: number;
  /** CPU seconds of the replaying process (scsc) or server (replica). */
  cpu: number;
  /** scsc: CPU seconds of its target server. */
  targetCpu?: number;
  /** scsc: milliseconds from spawn to streaming. */
  startUp?: number;
  check: string;
}

/**
 * Replay of one binlog backlog (8 tables, mixed inserts/updates/deletes, written before any replayer
 * runs) by MariaDB replicas and by `scsc replicate`, each alone and from the same start position,
 * timed until the end marker row is visible in every table, then checked with CHECKSUM TABLE.
 * scsc is timed from process start (start-up included); the catch-up after its 'streaming' log
 * line is shown too.
 *
 * The same replay varies by tens of percent from run to run on a shared machine, so the replayers
 * take turns for SCSC_BENCH_REPLAY_ROUNDS rounds (5), each copy reset to the backlog's start before
 * its run, and the ratio is that of the median times (each round's own ratio is shown as a range).
 * The replicas run with log_slave_updates (the sandbox's default), so from the second round on they
 * log the backlog's GTIDs again; that needs gtid_strict_mode off, as the sandbox has it.
 */
export async function replicateBench(source: MariaDbServer, target: MariaDbServer, changes: number): Promise<BenchResult[]> {
  const asked = Number(process.env.SCSC_BENCH_REPLAY_ROUNDS ?? 5);
  const rounds = Number.isInteger(asked) && asked > 0 ? asked : 5;
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
    const start = await sourceGtid(source);
    for (const replica of replicas) {
      await waitForReplica(replica, source);
      await replica.sql('STOP SLAVE');
    }
    // Each copy as it stands at the start point, kept to reset it to before each round.
    await saveBase(target, DATABASE, SCSC_TABLES);
    for (const replica of replicas) await saveBase(replica, DATABASE, CDC_TABLES);

    const backlog = await writeBacklog(source, DATABASE, changes, prefill);
    console.error(`replicate: backlog of ${backlog.changes.toLocaleString('en')} row changes in ${backlog.transactions.toLocaleString('en')} transactions written in ${backlog.seconds.toFixed(1)} s; ${rounds} rounds`);
    const rate = (ms: number): string => `${(backlog.changes / (ms / 1000) / 1000).toFixed(1)}k changes/s`;

    const peers = [
      { label: 'MariaDB replica, 1 SQL thread', replica: replicas[0], runs: [] as Run[] },
      { label: 'MariaDB replica, 4 threads optimistic', replica: replicas[1], runs: [] as Run[] },
    ];
    const scscRuns: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      // The order rotates and reverses every other round: no replayer always runs first, last, or
      // right after the same other one (whose server may still be flushing pages on the shared cores).
      const turns = [...peers.map((peer) => () => replayByReplica(source, peer.replica, start).then((run) => peer.runs.push(run))),
        () => replayByScsc(source, target).then((run) => scscRuns.push(run))];
      const order = turns.map((_, turn) => turns[(turn + round) % turns.length] as () => Promise<unknown>);
      if (round % 2 === 1) order.reverse();
      for (const turn of order) {
        await delay(1000);
        await turn();
      }
      const last = scscRuns.at(-1) as Run;
      console.error(`replicate: round ${round + 1}: scsc ${(last.ms / 1000).toFixed(2)} s, ${peers.map((p) => `${p.label} ${((p.runs.at(-1)?.ms ?? 0) / 1000).toFixed(2)} s`).join(', ')}`);
    }

    const ms = median(scscRuns.map((r) => r.ms));
    const startUp = median(scscRuns.map((r) => r.startUp ?? 0));
    const streaming = median(scscRuns.map((r) => r.ms - (r.startUp ?? 0)));
    const name = `replay a ${backlog.changes.toLocaleString('en')}-change backlog, 8 tables (${backlog.transactions.toLocaleString('en')} txns), median of ${rounds} rounds`;
    const scscText = `${(ms / 1000).toFixed(2)} s = ${rate(ms)} (start-up ${(startUp / 1000).toFixed(2)} s, then ${rate(streaming)}); `
      + `CPU ${median(scscRuns.map((r) => r.cpu)).toFixed(1)} s scsc + ${median(scscRuns.map((r) => r.targetCpu ?? 0)).toFixed(1)} s target server; `
      + `runs ${seconds(scscRuns)}; ${allChecked(scscRuns)}`;
    return peers.map((peer) => {
      const peerMs = median(peer.runs.map((r) => r.ms));
      const perRound = peer.runs.map((run, i) => run.ms / (scscRuns[i] as Run).ms);
      return {
        name,
        scsc: scscText,
        peer: `${peer.label} ${(peerMs / 1000).toFixed(2)} s = ${rate(peerMs)}; CPU ${median(peer.runs.map((r) => r.cpu)).toFixed(1)} s replica server; `
          + `runs ${seconds(peer.runs)}; ratio per round ${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)}x; ${allChecked(peer.runs)}`,
        ratio: peerMs / ms,
      };
    });
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all([source, target].map((s) => s.sql(`DROP DATABASE IF EXISTS ${DATABASE}; DROP DATABASE IF EXISTS ${DATABASE}_base`)));
  }
}

/** The replica reset to the start point (its tables, its GTID position, no relay log), then timed from START SLAVE. */
async function replayByReplica(source: MariaDbServer, replica: MariaDbServer, start: string): Promise<Run> {
  await replica.sql('STOP SLAVE; RESET SLAVE');
  await restoreBase(replica, DATABASE, CDC_TABLES);
  await replica.sql(`SET GLOBAL gtid_slave_pos = '${start}'; CHANGE MASTER TO MASTER_USE_GTID = slave_pos`);
  const started = performance.now();
  const cpuBefore = cpuSeconds(serverPid(replica));
  await replica.sql('START SLAVE');
  await waitForMarkers(replica, DATABASE, { timeoutMs: TIMEOUT_MS, failure: () => replicaError(replica) });
  const ms = performance.now() - started;
  const cpu = cpuSeconds(serverPid(replica)) - cpuBefore;
  await replica.sql('STOP SLAVE');
  return { ms, cpu, check: checked(await differingTables(source, replica, DATABASE)) };
}

/** The target reset to the start point (its tables and scsc's checkpoints), then `scsc replicate` timed from its start. */
async function replayByScsc(source: MariaDbServer, target: MariaDbServer): Promise<Run> {
  await restoreBase(target, DATABASE, SCSC_TABLES);
  const targetCpuBefore = cpuSeconds(serverPid(target));
  const scsc = startReplicate(source, target, DATABASE);
  let ms: number;
  let cpu: number;
  let targetCpu: number;
  try {
    ms = await waitForMarkers(target, DATABASE, { timeoutMs: TIMEOUT_MS, failure: () => Promise.resolve(scsc.failure()) });
    cpu = cpuSeconds(scsc.pid);
    targetCpu = cpuSeconds(serverPid(target)) - targetCpuBefore;
  } finally {
    await scsc.stop();
  }
  return { ms, cpu, targetCpu, startUp: await scsc.streaming, check: checked(await differingTables(source, target, DATABASE)) };
}

function seconds(runs: readonly Run[]): string {
  return runs.map((r) => (r.ms / 1000).toFixed(2)).join(' / ');
}

function allChecked(runs: readonly Run[]): string {
  const failed = runs.map((r, i) => [i + 1, r.check] as const).filter(([, check]) => check !== checked([]));
  return failed.length === 0 ? 'checksums equal after every run' : failed.map(([round, check]) => `round ${round}: ${check}`).join('; ');
}
