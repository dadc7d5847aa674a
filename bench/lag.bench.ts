import { setTimeout as delay } from 'node:timers/promises';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { CDC_TABLES, checked, connect, createCdcSchema, datetime6, differingTables, nowMs, parseDatetime6, rowValues, seededRandom } from './cdc-workload.js';
import { cpuSeconds, replicaError, serverPid, startReplica, startReplicate, waitForReplica } from './replica-workload.js';

const DATABASE = 'lag';
const WARMUP_MS = 2000;
const POLL_PAUSE_MS = 5;

interface Lag {
  samples: number[];
  rows: number;
  seconds: number;
  missing: number;
  /** CPU seconds of the replicating process (scsc, or the replica server) over the window. */
  cpu: number;
  check: string;
}

/**
 * Commit-to-visible latency at a steady rate, 5,000 rows/s by default (inserts spread over the 8 tables, one
 * autocommit multi-row INSERT per table every ~10 ms, each row carrying the client clock in
 * written_at). A poller on the copy asks for new rows every 5 ms and records arrival time minus
 * written_at (same process, same clock). scsc first, then the native replica, never both at once.
 */
export async function lagBench(source: MariaDbServer, target: MariaDbServer, seconds: number, rate: number): Promise<BenchResult[]> {
  const replica = await startReplica(source, 'bench-lag-replica', ['--innodb-buffer-pool-size=512M']);
  const next = CDC_TABLES.map(() => 1);
  try {
    await createCdcSchema(source, DATABASE);
    await createCdcSchema(target, DATABASE);
    await waitForReplica(replica, source);
    await replica.sql('STOP SLAVE');

    const scsc = startReplicate(source, target, DATABASE);
    let ours: Lag;
    try {
      await scsc.streaming;
      ours = await measureLag(source, target, { seconds, rate, next, pid: scsc.pid, failure: () => Promise.resolve(scsc.failure()) });
    } finally {
      await scsc.stop();
    }
    ours.check = checked(await differingTables(source, target, DATABASE));

    await replica.sql('START SLAVE');
    await waitForReplica(replica, source);
    const native = await measureLag(source, replica, { seconds, rate, next, pid: serverPid(replica), failure: () => replicaError(replica) });
    native.check = checked(await differingTables(source, replica, DATABASE));

    const name = (p: string): string => `commit-to-visible lag ${p}, ${rate.toLocaleString('en')} rows/s for ${seconds} s`;
    const text = (lag: Lag, p: number): string =>
      `${percentile(lag.samples, p).toFixed(1)} ms (max ${percentile(lag.samples, 1).toFixed(0)} ms, ${lag.samples.length.toLocaleString('en')} rows at ${(lag.rows / lag.seconds).toFixed(0)}/s`
      + `${lag.missing > 0 ? `, ${lag.missing} NEVER SEEN` : ''}, CPU ${((lag.cpu / lag.seconds) * 100).toFixed(0)}% of a core; ${lag.check})`;
    return [0.5, 0.99].map((p) => ({
      name: name(p === 0.5 ? 'p50' : 'p99'),
      scsc: text(ours, p),
      peer: `MariaDB replica ${text(native, p)}`,
      ratio: percentile(native.samples, p) / percentile(ours.samples, p),
    }));
  } finally {
    await replica.stop();
    await Promise.all([source, target].map((s) => s.sql(`DROP DATABASE IF EXISTS ${DATABASE}`)));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? Number.NaN;
}

interface LagRun {
  seconds: number;
  rate: number;
  /** The next id per table; moves on. */
  next: number[];
  /** The replicating process, for its CPU time. */
  pid: number;
  failure: () => Promise<string | undefined>;
}

/** Runs the steady writer and the poller together. */
async function measureLag(source: MariaDbServer, copy: MariaDbServer, run: LagRun): Promise<Lag> {
  const { next, failure } = run;
  const cpuBefore = cpuSeconds(run.pid);
  const seen = next.map((id) => id - 1);
  const samples: number[] = [];
  const warmEnd = nowMs() + WARMUP_MS;
  let written: { rows: number; seconds: number; endedAt: number; last: number[] } | undefined;
  const writer = steadyWrite(source, run.seconds, run.rate, next).then((result) => (written = result));

  const connection = await connect(copy, DATABASE);
  const sql = CDC_TABLES.map((t, i) => `SELECT ${i} AS t, id, written_at FROM ${t} WHERE id > ?`).join(' UNION ALL ');
  let missing: number;
  try {
    for (let round = 1; ; round++) {
      const [rows] = await connection.query(sql, seen);
      const arrived = nowMs();
      for (const row of rows as { t: number; id: number; written_at: string }[]) {
        seen[row.t] = Math.max(seen[row.t] ?? 0, Number(row.id));
        const at = parseDatetime6(row.written_at);
        if (at >= warmEnd) samples.push(arrived - at);
      }
      if (written !== undefined) {
        const last = written.last;
        missing = seen.reduce((sum, id, i) => sum + Math.max(0, (last[i] ?? 0) - id), 0);
        if (missing === 0 || arrived - written.endedAt > 30_000) break;
      }
      if (round % 200 === 0) {
        const reason = await failure();
        if (reason !== undefined) throw new Error(reason);
      }
      await delay(POLL_PAUSE_MS);
    }
  } finally {
    await connection.end();
    await writer;
  }
  const done = written as { rows: number; seconds: number };
  return { samples, rows: done.rows, seconds: done.seconds, missing, cpu: cpuSeconds(run.pid) - cpuBefore, check: '' };
}

async function steadyWrite(source: MariaDbServer, seconds: number, rate: number, next: number[]): Promise<{ rows: number; seconds: number; endedAt: number; last: number[] }> {
  const random = seededRandom(next[0] ?? 1);
  const connection = await connect(source, DATABASE);
  const start = nowMs();
  let rows = 0;
  try {
    while (nowMs() - start < seconds * 1000) {
      const due = Math.floor((rate * (nowMs() - start)) / 1000) - rows;
      if (due > 0) {
        const at = datetime6(nowMs());
        const values = CDC_TABLES.map(() => [] as string[]);
        for (let i = 0; i < due; i++) {
          const table = (rows + i) % CDC_TABLES.length;
          const id = next[table] ?? 1;
          next[table] = id + 1;
          values[table]?.push(rowValues(id, random, at));
        }
        const statements = values.flatMap((list, i) => (list.length > 0 ? [`INSERT INTO ${CDC_TABLES[i]} VALUES ${list.join(', ')}`] : []));
        await connection.query(statements.join(';\n'));
        rows += due;
      }
      await delay(10);
    }
  } finally {
    await connection.end();
  }
  const endedAt = nowMs();
  return { rows, seconds: (endedAt - start) / 1000, endedAt, last: next.map((id) => id - 1) };
}
