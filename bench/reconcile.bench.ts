import mysql from 'mysql2/promise';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median, type BenchResult } from './bench-result.js';
import { runScsc } from './run-scsc.js';

/**
 * Verification of identical tables: scsc reconcile against the physical floor, an in-server
 * BIT_XOR(CRC32(...)) scan of the same table on both servers at once (no chunking, no transfer).
 * SCSC_BENCH_RUNS (default 3) repeats both, interleaved, and reports the medians.
 */
export async function reconcileBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult> {
  const runs = Math.max(1, Number(process.env.SCSC_BENCH_RUNS ?? 3));
  const scan = async (server: MariaDbServer): Promise<void> => {
    const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database });
    try {
      await connection.query("SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, qty, name, price, updated_at, tag))) FROM items");
    } finally {
      await connection.end();
    }
  };
  const scscMs: number[] = [];
  const floorMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const scsc = await runScsc(['reconcile', '--source', source.url(database), '--target', target.url(database), '--json']);
    if (!(JSON.parse(scsc.stdout) as { ok: boolean }).ok) throw new Error('reconcile bench: the tables were expected to be identical');
    scscMs.push(scsc.ms);
    const started = performance.now();
    await Promise.all([scan(source), scan(target)]);
    floorMs.push(performance.now() - started);
  }
  const rate = (ms: number): string => `${((rows / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
  const [scscTime, floorTime] = [median(scscMs), median(floorMs)];
  return {
    name: `verify identical, ${rows.toLocaleString('en')} rows${runs > 1 ? `, median of ${runs}` : ''}`,
    scsc: `${(scscTime / 1000).toFixed(2)} s (${rate(scscTime)})`,
    peer: `in-server CRC32 scan ${(floorTime / 1000).toFixed(2)} s (${rate(floorTime)})`,
    ratio: floorTime / scscTime,
  };
}
