// Benchmarks against named peers on throwaway servers, printed as ratios: npm run bench [-- NAME...]
// NAME: schema, copy, reconcile, sync, sync-uuid, memory, replicate, lag, replicate-memory (default all).
// SCSC_BENCH_ROWS sets the table size; replicate replays a backlog of a tenth of it, replicate-memory all of it.
// lag: SCSC_BENCH_LAG_SECONDS (20) at SCSC_BENCH_LAG_RATE rows/s (5000).
import { availableParallelism, cpus, totalmem } from 'node:os';
import { startMariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { BENCH_TABLE_DDL, BENCH_UUID_TABLE_DDL, createBenchTable } from './bench-table.js';
import { copyBench } from './copy.bench.js';
import { introspectionBench } from './introspection.bench.js';
import { lagBench } from './lag.bench.js';
import { memoryBench } from './memory.bench.js';
import { reconcileBench } from './reconcile.bench.js';
import { replicateMemoryBench } from './replicate-memory.bench.js';
import { replicateBench } from './replicate.bench.js';
import { runScsc } from './run-scsc.js';
import { syncBench } from './sync.bench.js';

const ALL = ['schema', 'copy', 'reconcile', 'sync', 'sync-uuid', 'memory', 'replicate', 'lag', 'replicate-memory'];
const ON_ITEMS = ['copy', 'reconcile', 'sync', 'memory'];
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const unknown = selected.filter((name) => !ALL.includes(name));
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
const rows = Number(process.env.SCSC_BENCH_ROWS ?? 1_000_000);

const [source, target] = await Promise.all([
  startMariaDbServer({ name: 'bench-source', extraArgs: ['--innodb-buffer-pool-size=512M'] }),
  startMariaDbServer({ name: 'bench-target', extraArgs: ['--innodb-buffer-pool-size=512M'] }),
]);
const results: BenchResult[] = [];
try {
  if (selected.includes('schema')) results.push(await introspectionBench(source));
  if (selected.some((name) => ON_ITEMS.includes(name))) {
    console.error(`generating ${rows.toLocaleString('en')} rows on the source`);
    await createBenchTable(source, 'bench', rows);
  }
  if (selected.includes('copy')) results.push(...(await copyBench(source, target, 'bench', rows)));
  if (selected.includes('reconcile') || selected.includes('sync')) {
    await target.sql(`CREATE DATABASE bench; USE bench; ${BENCH_TABLE_DDL}`);
    await runScsc(['sync', '--detector', 'off', '--source', source.url('bench'), '--target', target.url('bench')]);
  }
  if (selected.includes('reconcile')) results.push(await reconcileBench(source, target, 'bench', rows));
  if (selected.includes('sync')) results.push(await syncBench(source, target, 'bench', rows));
  if (selected.includes('sync-uuid')) {
    await createBenchTable(source, 'bench_uuid', rows, true, 'uuid');
    await target.sql(`CREATE DATABASE bench_uuid; USE bench_uuid; ${BENCH_UUID_TABLE_DDL}`);
    await runScsc(['sync', '--detector', 'off', '--source', source.url('bench_uuid'), '--target', target.url('bench_uuid')]);
    results.push(await syncBench(source, target, 'bench_uuid', rows, 'uuid'));
  }
  if (selected.includes('memory')) results.push(...(await memoryBench(source, target, 'bench', rows)));
  if (selected.includes('replicate')) results.push(...(await replicateBench(source, target, Math.max(1000, Math.floor(rows / 10)))));
  if (selected.includes('lag')) {
    results.push(...(await lagBench(source, target, Number(process.env.SCSC_BENCH_LAG_SECONDS ?? 20), Number(process.env.SCSC_BENCH_LAG_RATE ?? 5000))));
  }
  if (selected.includes('replicate-memory')) results.push(...(await replicateMemoryBench(source, rows)));
} finally {
  await Promise.all([source.stop(), target.stop()]);
}

console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('| benchmark | scsc | peer | ratio (peer / scsc) |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.scsc} | ${r.peer} | ${Number.isNaN(r.ratio) ? 'n/a' : `${r.ratio.toFixed(2)}x`} |`);
