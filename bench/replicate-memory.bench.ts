import { setTimeout as delay } from 'node:timers/promises';
import { startMariaDbServer, type MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { checked, connect, createCdcSchema, differingTables, waitForMarkers, writeBacklog } from './cdc-workload.js';
import { startReplicate } from './replica-workload.js';

const DATABASE = 'cdcmem';
const PREFILL = 10_000;
const GOAL_MIB = 300;
const LOCKED_MS = 2000;
const OPEN_MS = 1000;

/**
 * Peak RSS (VmHWM) of `scsc replicate` while it drains a backlog of `changes` row changes into a slow
 * target: durable commits (innodb_flush_log_at_trx_commit=1, sync_binlog=1, 64 MB buffer pool), and
 * FLUSH TABLES WITH READ LOCK held 2 s of every 3 s, so writes stall while the binlog keeps coming.
 */
export async function replicateMemoryBench(source: MariaDbServer, changes: number): Promise<BenchResult[]> {
  const target = await startMariaDbServer({ name: 'bench-slow-target', extraArgs: ['--innodb-flush-log-at-trx-commit=1', '--sync-binlog=1'] });
  try {
    await createCdcSchema(source, DATABASE, PREFILL);
    await createCdcSchema(target, DATABASE);
    const first = startReplicate(source, target, DATABASE);
    await first.streaming;
    await first.stop();
    const backlog = await writeBacklog(source, DATABASE, changes, PREFILL, 2);
    console.error(`replicate-memory: backlog of ${backlog.changes.toLocaleString('en')} row changes written in ${backlog.seconds.toFixed(1)} s`);

    const throttle = throttleTarget(target);
    const scsc = startReplicate(source, target, DATABASE);
    const sampler = setInterval(() => scsc.peakRssMiB(), 200);
    let ms: number;
    let peak: number;
    try {
      ms = await waitForMarkers(target, DATABASE, { timeoutMs: 60 * 60_000, failure: () => Promise.resolve(scsc.failure()) });
      peak = scsc.peakRssMiB();
    } finally {
      clearInterval(sampler);
      await throttle.stop();
      await scsc.stop();
    }
    const check = checked(await differingTables(source, target, DATABASE));
    return [{
      name: `peak RSS, replicate draining a ${backlog.changes.toLocaleString('en')}-change backlog into a throttled target`,
      scsc: `${peak.toFixed(0)} MiB (drained in ${(ms / 1000).toFixed(1)} s = ${(backlog.changes / ms).toFixed(1)}k changes/s, ${throttle.locks()} lock periods; ${check})`,
      peer: `goal <= ${GOAL_MIB} MiB`,
      ratio: GOAL_MIB / peak,
    }];
  } finally {
    await target.stop();
    await source.sql(`DROP DATABASE IF EXISTS ${DATABASE}`);
  }
}

function throttleTarget(target: MariaDbServer): { stop: () => Promise<void>; locks: () => number } {
  let running = true;
  let locks = 0;
  const loop = (async () => {
    const connection = await connect(target, DATABASE);
    try {
      while (running) {
        await connection.query('FLUSH TABLES WITH READ LOCK');
        locks++;
        await delay(LOCKED_MS);
        await connection.query('UNLOCK TABLES');
        await delay(OPEN_MS);
      }
    } finally {
      await connection.end();
    }
  })();
  loop.catch(() => undefined);
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    locks: () => locks,
  };
}
