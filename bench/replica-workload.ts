import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMariaDbServer, type MariaDbServer } from '../src/sandbox/mariadb-server.js';

const BIN = fileURLToPath(new URL('../bin/scsc.js', import.meta.url));

export async function sourceGtid(source: MariaDbServer): Promise<string> {
  const rows = (await source.sql('SELECT @@gtid_binlog_pos AS pos')) as { pos: string }[];
  return rows[0]?.pos ?? '';
}

/**
 * A MariaDB replica of `source` on this machine, replicating (GTID, slave_pos) from the source's
 * current head; the slave threads are started unless `start` is false.
 */
export async function startReplica(source: MariaDbServer, name: string, extraArgs: string[], start = true): Promise<MariaDbServer> {
  const replica = await startMariaDbServer({ name, extraArgs });
  const from = await sourceGtid(source);
  await replica.sql(`SET GLOBAL gtid_slave_pos = '${from}';
    CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${source.port}, MASTER_USER = 'root', MASTER_USE_GTID = slave_pos;
    ${start ? 'START SLAVE' : 'DO 0'}`);
  return replica;
}

/** Waits until the replica has applied everything up to the source's current head. */
export async function waitForReplica(replica: MariaDbServer, source: MariaDbServer, timeoutSeconds = 600): Promise<void> {
  const head = await sourceGtid(source);
  const rows = (await replica.sql(`SELECT MASTER_GTID_WAIT('${head}', ${timeoutSeconds}) AS r`)) as { r: string | number }[];
  if (Number(rows[0]?.r) !== 0) throw new Error(`${replica.name} did not reach ${head}: ${await replicaError(replica)}`);
}

/** The replica's last IO/SQL error, if any (for a stalled replica). */
export async function replicaError(replica: MariaDbServer): Promise<string | undefined> {
  const status = ((await replica.sql('SHOW SLAVE STATUS')) as Record<string, string>[])[0];
  if (status === undefined) return 'no slave configured';
  const errors = [status.Last_IO_Error, status.Last_SQL_Error].filter((e) => e !== undefined && e !== '');
  return errors.length > 0 ? errors.join('; ') : undefined;
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return 0;
  }
}

export function serverPid(server: MariaDbServer): number {
  return Number(readFileSync(join(server.baseDir, 'mysqld.pid'), 'utf8').trim());
}

export interface ReplicateProcess {
  readonly pid: number;
  /** Milliseconds from spawn to the log line 'streaming from the source binlog'. */
  readonly streaming: Promise<number>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  /** Why the process is no longer running, if it is not. */
  failure(): string | undefined;
  /** SIGTERM, then waits for the exit (SIGKILL after 60 s); throws on a non-zero exit. */
  stop(): Promise<void>;
}

/** Starts the compiled `scsc replicate` as a user runs it (info logs on stderr, collected; echoed with SCSC_BENCH_ECHO=1). */
export function startReplicate(source: MariaDbServer, target: MariaDbServer, database: string, extra: string[] = []): ReplicateProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SCSC_')));
  const started = performance.now();
  // SCSC_BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the scsc process.
  const nodeArgs = (process.env.SCSC_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'replicate', '--source', source.url(database), '--target', target.url(database), '--log-level', 'info', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'], env,
  });
  let output = '';
  let exit: string | undefined;
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => {
    exit = `scsc replicate exited (${code ?? signal ?? '?'}):\n${output.slice(-3000)}`;
    resolve(code ?? 128);
  }));
  const streaming = new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (process.env.SCSC_BENCH_ECHO === '1') process.stderr.write(chunk);
      if (output.length > 1 << 20) output = output.slice(-(1 << 19));
      if (output.includes('streaming from the source binlog')) resolve(performance.now() - started);
    });
    void exited.then(() => reject(new Error(exit)));
  });
  streaming.catch(() => undefined);
  let peak = 0;
  return {
    pid: child.pid ?? 0,
    streaming,
    peakRssMiB() {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        peak = Math.max(peak, Number(hwm?.[1] ?? 0) / 1024);
      } catch {
        // exited: the last sample stands
      }
      return peak;
    },
    failure: () => exit,
    async stop() {
      if (exit === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        const code = await exited;
        clearTimeout(timer);
        if (code !== 0) throw new Error(exit);
      } else if (child.exitCode !== 0) {
        throw new Error(exit);
      }
    },
  };
}
