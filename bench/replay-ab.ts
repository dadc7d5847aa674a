// Replay A/B: two or more builds of scsc replaying the same binlog backlog in alternating runs.
//   node --import tsx bench/replay-ab.ts BIN [BIN...]
// BIN is the path of a build's bin/scsc.js (e.g. a `git worktree` of another commit, built), with
// `@flag,flag` appended for Node options (e.g. bin/scsc.js@--max-semi-space-size=32).
// SCSC_AB_ROUNDS (5) runs of each, SCSC_AB_CHANGES (100000) row changes in the backlog;
// SCSC_AB_STATUS=1 prints what each run asked of the target (its status counters);
// SCSC_AB_TIMELINE=1 prints each run's CPU use, scsc and the target, per 100 ms (cores busy).
//
// On a noisy machine (the same run varies by 10-20%), old and new builds alternating on one data set
// are what shows a change of a few percent; `npm run bench -- replicate` gives the ratio to a replica.
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { startMariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median } from './bench-result.js';
import { CDC_TABLES, createCdcSchema, differingTables, restoreBase, saveBase, waitForMarkers, writeBacklog } from './cdc-workload.js';
import { cpuSeconds, serverPid } from './replica-workload.js';

const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('usage: node --import tsx bench/replay-ab.ts BIN [BIN...] (BIN: path to a build\'s bin/scsc.js[@node-flag,...])');
const rounds = Number(process.env.SCSC_AB_ROUNDS ?? 5);
const changes = Number(process.env.SCSC_AB_CHANGES ?? 100_000);
const DATABASE = 'cdc';
const TABLES = [...CDC_TABLES, '_scsc_checkpoint'];

const [source, target] = await Promise.all([
  startMariaDbServer({ name: 'ab-source', extraArgs: ['--innodb-buffer-pool-size=512M'] }),
  startMariaDbServer({ name: 'ab-target', extraArgs: ['--innodb-buffer-pool-size=512M'] }),
]);

/** `scsc replicate` of one build; resolves `streaming` once it reads the binlog. */
function replicate(build: string): { pid: number; streaming: Promise<void>; stop: () => Promise<void> } {
  const [bin = build, flags] = build.split('@');
  const args = [...(flags === undefined ? [] : flags.split(',')), bin, 'replicate', '--source', source.url(DATABASE), '--target', target.url(DATABASE), '--log-level', 'info'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const streaming = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      if (output.includes('streaming from the source binlog')) resolve();
    });
    void exited.then(() => reject(new Error(`${build} exited:\n${output.slice(-3000)}`)));
  });
  streaming.catch(() => undefined);
  return { pid: child.pid ?? 0, streaming, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** Cores each process kept busy in every `everyMs` until stop() (from /proc: 10 ms resolution). */
function sampleCpu(pids: readonly number[], everyMs: number): { stop: () => number[][] } {
  const samples: number[][] = [];
  let last = pids.map(cpuSeconds);
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = pids.map(cpuSeconds);
    const at = performance.now();
    // Over the time that really passed: a timer on a busy machine fires late.
    samples.push(now.map((seconds, i) => (seconds - (last[i] ?? 0)) / ((at - lastAt) / 1000)));
    last = now;
    lastAt = at;
  }, everyMs);
  return { stop: () => { clearInterval(timer); return samples; } };
}

/** The target's counters of what its clients asked (read before and after a run). */
async function targetStatus(): Promise<Map<string, number>> {
  const names = ['Questions', 'Bytes_received', 'Com_insert', 'Com_delete', 'Com_update', 'Com_commit', 'Handler_write', 'Handler_update', 'Handler_delete'];
  const rows = (await target.sql(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map((n) => `'${n}'`).join(', ')})`)) as Array<{ Variable_name: string; Value: string }>;
  return new Map(rows.map((row) => [row.Variable_name, Number(row.Value)]));
}

try {
  const prefill = Math.max(1000, Math.floor(changes / 16));
  await createCdcSchema(source, DATABASE, prefill);
  await createCdcSchema(target, DATABASE);
  // The snapshot and the first checkpoint, then the target as it stands is kept to restore before each run.
  const first = replicate(builds[0] as string);
  await first.streaming;
  await first.stop();
  // Each build once more before the backlog: its code cache (written 2 s into a run) is in place
  // for the timed runs, as it is for a user's runs after the first.
  for (const build of builds) {
    const warm = replicate(build);
    await warm.streaming;
    await delay(2500);
    await warm.stop();
  }
  await saveBase(target, DATABASE, TABLES);
  const backlog = await writeBacklog(source, DATABASE, changes, prefill);
  console.log(`backlog: ${backlog.changes.toLocaleString('en')} row changes in ${backlog.transactions.toLocaleString('en')} transactions`);

  const walls = new Map<string, number[]>(builds.map((b) => [b, []]));
  for (let round = 0; round < rounds; round++) {
    for (const build of builds) {
      await restoreBase(target, DATABASE, TABLES);
      const status = process.env.SCSC_AB_STATUS === '1' ? await targetStatus() : undefined;
      const targetCpu = cpuSeconds(serverPid(target));
      const started = performance.now();
      const run = replicate(build);
      const timeline = process.env.SCSC_AB_TIMELINE === '1' ? sampleCpu([run.pid, serverPid(target)], 100) : undefined;
      await waitForMarkers(target, DATABASE, { timeoutMs: 20 * 60_000 });
      const ms = performance.now() - started;
      const samples = timeline?.stop();
      const cpu = { scsc: cpuSeconds(run.pid), target: cpuSeconds(serverPid(target)) - targetCpu };
      await run.stop();
      const differing = await differingTables(source, target, DATABASE);
      if (differing.length > 0) throw new Error(`${build}: target differs from the source in ${differing.join(', ')}`);
      walls.get(build)?.push(ms);
      console.log(`${build}: ${(ms / 1000).toFixed(2)} s, CPU ${cpu.scsc.toFixed(2)} s scsc + ${cpu.target.toFixed(2)} s target; checksums equal`);
      if (samples !== undefined) console.log(`  CPU per 100 ms, scsc/target: ${samples.map(([scsc, server]) => `${scsc?.toFixed(1)}/${server?.toFixed(1)}`).join(' ')}`);
      if (status !== undefined) {
        const now = await targetStatus();
        console.log(`  target: ${[...now].map(([name, value]) => `${name} ${(value - (status.get(name) ?? 0)).toLocaleString('en')}`).join(', ')}`);
      }
    }
  }
  const baseline = median(walls.get(builds[0] as string) ?? []);
  for (const [build, runs] of walls) {
    const sorted = [...runs].sort((a, b) => a - b);
    console.log(`${build}: median ${(median(runs) / 1000).toFixed(2)} s (${((median(runs) / baseline - 1) * 100).toFixed(1)}% against the first), runs ${sorted.map((ms) => (ms / 1000).toFixed(2)).join(' ')}`);
  }
} finally {
  await Promise.all([source.stop(), target.stop()]);
}
