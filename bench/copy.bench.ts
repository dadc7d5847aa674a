import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median, type BenchResult } from './bench-result.js';
import { BENCH_TABLE_DDL } from './bench-table.js';
import { runScsc, timed } from './run-scsc.js';

type Peer = 'mysqldump | mysql' | 'mydumper + myloader (binlog off)' | 'mydumper + myloader --enable-binlog' | "target's own INSERT ... SELECT";

/**
 * Full copy of the source table into an empty target table: scsc sync (bulk-copy path) against
 * mydumper + myloader and mysqldump | mysql, each into its own fresh database on the same target.
 * scsc writes the target's binlog (its replicas and a two-way stream read it), as mysqldump | mysql
 * does; myloader turns it off unless given --enable-binlog, so it runs both ways and the pairing
 * with equal work is the --enable-binlog one. The last line is no tool at all: the target copying
 * scsc's copy into a new table itself (two INSERT ... SELECT at once, binlog on), the floor any
 * client-side copy stands on. SCSC_BENCH_RUNS (default 3) repeats them, interleaved, and reports
 * the medians.
 */
export async function copyBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult[]> {
  const runs = Math.max(1, Number(process.env.SCSC_BENCH_RUNS ?? 3));
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
    for (const binlog of [false, true]) {
      const into = binlog ? 'copy_mydumper_binlog' : 'copy_mydumper';
      const name: Peer = binlog ? 'mydumper + myloader --enable-binlog' : 'mydumper + myloader (binlog off)';
      peers.push({
        name,
        copy: async () => {
          const dir = await mkdtemp(join(tmpdir(), 'scsc-bench-mydumper-'));
          try {
            const dumpMs = await timed(mydumper, [...auth(source), '-B', database, '-o', join(dir, 'out'), '-t', '2', '--rows', '100000']);
            const loadMs = await timed(myloader, [...auth(target), '-d', join(dir, 'out'), '-B', into, '-t', '2', '-o', ...(binlog ? ['--enable-binlog'] : [])]);
            await expectRows(target, into, rows, name);
            return dumpMs + loadMs;
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      });
    }
  }
  peers.push({
    name: "target's own INSERT ... SELECT",
    copy: async () => {
      await target.sql('CREATE DATABASE copy_floor; CREATE TABLE copy_floor.items LIKE copy_scsc.items');
      const [bounds] = (await target.sql('SELECT MIN(id) AS lo, MAX(id) AS hi FROM copy_scsc.items')) as Array<{ lo: string; hi: string }>;
      const middle = (BigInt(bounds?.lo ?? 0) + BigInt(bounds?.hi ?? 0)) / 2n;
      const started = performance.now();
      await Promise.all([
        target.sql(`INSERT INTO copy_floor.items SELECT * FROM copy_scsc.items WHERE id <= ${middle}`),
        target.sql(`INSERT INTO copy_floor.items SELECT * FROM copy_scsc.items WHERE id > ${middle}`),
      ]);
      const ms = performance.now() - started;
      await expectRows(target, 'copy_floor', rows, 'INSERT ... SELECT');
      return ms;
    },
  });

  const scscMs: number[] = [];
  const peerMs = new Map<Peer, number[]>(peers.map((p) => [p.name, []]));
  for (let run = 0; run < runs; run++) {
    await target.sql(`CREATE DATABASE copy_scsc; USE copy_scsc; ${BENCH_TABLE_DDL}`);
    const scsc = await runScsc(['sync', '--detector', 'off', '--source', source.url(database), '--target', target.url('copy_scsc'), '--json']);
    await expectRows(target, 'copy_scsc', rows, 'scsc sync');
    scscMs.push(scsc.ms);
    for (const peer of peers) peerMs.get(peer.name)?.push(await peer.copy());
    await target.sql(['copy_scsc', 'copy_dump', 'copy_mydumper', 'copy_mydumper_binlog', 'copy_floor'].map((db) => `DROP DATABASE IF EXISTS ${db}`).join('; '));
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
