// Runs the benchmarks against throwaway servers and prints scsc-vs-peer ratios: npm run bench
import { availableParallelism, cpus, totalmem } from 'node:os';
import { startMariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { introspectionBench } from './introspection.bench.js';

const server = await startMariaDbServer({ name: 'bench' });
const results: BenchResult[] = [];
try {
  results.push(await introspectionBench(server));
} finally {
  await server.stop();
}

console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log('| benchmark | scsc | peer | ratio (peer / scsc) |');
console.log('|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.scsc} | ${r.peer} | ${r.ratio.toFixed(1)}x |`);
