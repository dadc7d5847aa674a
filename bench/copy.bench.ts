import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { BENCH_TABLE_DDL } from './bench-table.js';
import { runScsc, timed } from './run-scsc.js';

/**
 * Full copy of the source table into an empty target table: scsc sync (bulk-copy path) against
 * mydumper + myloader and mysqldump | mysql, each into its own fresh database on the same target.
 */
export async function copyBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult[]> {
  const auth = (s: MariaDbServer): string[] => ['-h', s.host, '-P', String(s.port), '-u', 'root'];
  await target.sql(`CREATE DATABASE copy_scsc; USE copy_scsc; ${BENCH_TABLE_DDL}`);
  const scsc = await runScsc(['sync', '--detector', 'off', '--source', source.url(database), '--target', target.url('copy_scsc'), '--json']);
  await expectRows(target, 'copy_scsc', rows, 'scsc sync');
  const results: BenchResult[] = [];
  const label = `full copy, ${rows.toLocaleString('en')} rows`;

  const dump = findBinary('mariadb-dump') ?? findBinary('mysqldump');
  const client = findBinary('mariadb') ?? findBinary('mysql');
  if (dump !== undefined && client !== undefined) {
    await target.sql('CREATE DATABASE copy_dump');
    const ms = await timed(`set -o pipefail; ${dump} ${auth(source).join(' ')} --single-transaction --quick ${database} items | ${client} ${auth(target).join(' ')} copy_dump`, [], { shell: true });
    await expectRows(target, 'copy_dump', rows, 'mysqldump | mysql');
    results.push({ name: label, scsc: `${(scsc.ms / 1000).toFixed(1)} s`, peer: `mysqldump | mysql ${(ms / 1000).toFixed(1)} s`, ratio: ms / scsc.ms });
  }
  const mydumper = findBinary('mydumper');
  const myloader = findBinary('myloader');
  if (mydumper !== undefined && myloader !== undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'scsc-bench-mydumper-'));
    try {
      const dumpMs = await timed(mydumper, [...auth(source), '-B', database, '-o', join(dir, 'out'), '-t', '2', '--rows', '100000']);
      const loadMs = await timed(myloader, [...auth(target), '-d', join(dir, 'out'), '-B', 'copy_mydumper', '-t', '2', '-o']);
      const ms = dumpMs + loadMs;
      await expectRows(target, 'copy_mydumper', rows, 'mydumper + myloader');
      results.push({ name: label, scsc: `${(scsc.ms / 1000).toFixed(1)} s`, peer: `mydumper + myloader ${(ms / 1000).toFixed(1)} s`, ratio: ms / scsc.ms });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    results.push({ name: label, scsc: `${(scsc.ms / 1000).toFixed(1)} s`, peer: 'mydumper not installed (apt-get install mydumper)', ratio: Number.NaN });
  }
  await target.sql('DROP DATABASE IF EXISTS copy_scsc; DROP DATABASE IF EXISTS copy_dump; DROP DATABASE IF EXISTS copy_mydumper');
  return results;
}

async function expectRows(server: MariaDbServer, database: string, rows: number, who: string): Promise<void> {
  const [row] = (await server.sql(`SELECT COUNT(*) AS n FROM ${database}.items`)) as Array<{ n: number | string }>;
  if (Number(row?.n) !== rows) throw new Error(`copy bench: ${who} left ${row?.n} rows in ${database}.items, expected ${rows}`);
}
