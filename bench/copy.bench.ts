import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median, type BenchResult } from './bench-result.js';
import { BENCH_TABLE_DDL } from './bench-table.js';
import { runScsc, timed } from './run-scsc.js';

type Peer = 'mysqldump | mysql' | 'mydumper + myloader';

/**
 * Full copy of the source table into an empty target table: scsc sync (bulk-copy path) against
 * mydumper + myloader and mysqldump | mysql, each into its own fresh database on the same target.
 * SCSC_BENCH_RUNS (default 1) repeats the three, interleaved, and reports the medians.
 */
export async function copyBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult[]> {
  const runs = Math.max(1, Number(process.env.SCSC_BENCH_RUNS ?? 1));
  const auth = (s: MariaDbServer): string[] => ['-h', s.host, '-P', String(s.port), '-u', 'root'];
  const dump = findBinary('mariadb-dump') ?? findBinary('mysqldump');
  const client = findBinary('mariadb') ?? findBinary('mysql');
  const mydumper = findBinary('mydumper');
  const myloader = findBinary('myloader');

  const peers: Array<{ name: Peer; copy: () => Promise<number> }> = [];
  if (dump !== undefined && client !== undefined) {
    peers.push({
      name: 'mysqldump | mysql',
      copy: async () => {
        await target.sql('CREATE DATABASE copy_dump');
        const ms = await timed(`set -o pipefail; ${dump} ${auth(source).join(' ')} --single-transaction --quick ${database} items | ${client} ${auth(target).join(' ')} copy_dump`, [], { shell: true });
        await expectRows(target, 'copy_dump', rows, 'mysqldump | mysql');
        return ms;
      },
    });
  }
  if (mydumper !== undefined && myloader !== undefined) {
    peers.push({
      name: 'mydumper + myloader',
      copy: async () => {
        const dir = await mkdtemp(join(tmpdir(), 'scsc-bench-mydumper-'));
        try {
          const dumpMs = await timed(mydumper, [...auth(source), '-B', database, '-o', join(dir, 'out'), '-t', '2', '--rows', '100000']);
          const loadMs = await timed(myloader, [...auth(target), '-d', join(dir, 'out'), '-B', 'copy_mydumper', '-t', '2', '-o']);
          await expectRows(target, 'copy_mydumper', rows, 'mydumper + myloader');
          return dumpMs + loadMs;
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    });
  }

  const scscMs: number[] = [];
  const peerMs = new Map<Peer, number[]>(peers.map((p) => [p.name, []]));
  for (let run = 0; run < runs; run++) {
    await target.sql(`CREATE DATABASE copy_scsc; USE copy_scsc; ${BENCH_TABLE_DDL}`);
    const scsc = await runScsc(['sync', '--detector', 'off', '--source', source.url(database), '--target', target.url('copy_scsc'), '--json']);
    await expectRows(target, 'copy_scsc', rows, 'scsc sync');
    scscMs.push(scsc.ms);
    for (const peer of peers) peerMs.get(peer.name)?.push(await peer.copy());
    await target.sql('DROP DATABASE IF EXISTS copy_scsc; DROP DATABASE IF EXISTS copy_dump; DROP DATABASE IF EXISTS copy_mydumper');
  }

  const label = `full copy, ${rows.toLocaleString('en')} rows${runs > 1 ? `, median of ${runs}` : ''}`;
  const scscTime = median(scscMs);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const results: BenchResult[] = [...peerMs].map(([name, times]) => ({
    name: label, scsc: seconds(scscTime), peer: `${name} ${seconds(median(times))}`, ratio: median(times) / scscTime,
  }));
  if (mydumper === undefined || myloader === undefined) {
    results.push({ name: label, scsc: seconds(scscTime), peer: 'mydumper not installed (apt-get install mydumper)', ratio: Number.NaN });
  }
  return results;
}

async function expectRows(server: MariaDbServer, database: string, rows: number, who: string): Promise<void> {
  const [row] = (await server.sql(`SELECT COUNT(*) AS n FROM ${database}.items`)) as Array<{ n: number | string }>;
  if (Number(row?.n) !== rows) throw new Error(`copy bench: ${who} left ${row?.n} rows in ${database}.items, expected ${rows}`);
}
