import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { BENCH_TABLE_DDL, createBenchTable } from './bench-table.js';
import { runScsc } from './run-scsc.js';

/**
 * Peak RSS of scsc sync (bulk copy), reconcile, and sync repairing a target on which every row
 * differs, at two table sizes: it should stay flat.
 */
export async function memoryBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult[]> {
  const small = Math.max(1000, Math.floor(rows / 10));
  await createBenchTable(source, 'bench_small', small);
  const peak = async (db: string, into: string): Promise<{ copy: number; verify: number; repair: number }> => {
    await target.sql(`CREATE DATABASE ${into}; USE ${into}; ${BENCH_TABLE_DDL}`);
    const copy = await runScsc(['sync', '--detector', 'off', '--source', source.url(db), '--target', target.url(into), '--json']);
    const verify = await runScsc(['reconcile', '--source', source.url(db), '--target', target.url(into), '--json']);
    await target.sql(`UPDATE ${into}.items SET qty = qty + 1`);
    const repair = await runScsc(['sync', '--detector', 'off', '--source', source.url(db), '--target', target.url(into), '--json']);
    await target.sql(`DROP DATABASE ${into}`);
    return { copy: copy.peakRssMiB, verify: verify.peakRssMiB, repair: repair.peakRssMiB };
  };
  const a = await peak('bench_small', 'mem_small');
  const b = await peak(database, 'mem_large');
  await source.sql('DROP DATABASE bench_small');
  const sizes = `${small.toLocaleString('en')} vs ${rows.toLocaleString('en')} rows`;
  return [
    { name: `peak RSS, sync bulk copy, ${sizes}`, scsc: `${a.copy.toFixed(0)} MiB -> ${b.copy.toFixed(0)} MiB`, peer: 'growth factor (1.0 = flat)', ratio: b.copy / a.copy },
    { name: `peak RSS, reconcile, ${sizes}`, scsc: `${a.verify.toFixed(0)} MiB -> ${b.verify.toFixed(0)} MiB`, peer: 'growth factor (1.0 = flat)', ratio: b.verify / a.verify },
    { name: `peak RSS, sync repairing every row, ${sizes}`, scsc: `${a.repair.toFixed(0)} MiB -> ${b.repair.toFixed(0)} MiB`, peer: 'growth factor (1.0 = flat)', ratio: b.repair / a.repair },
  ];
}
