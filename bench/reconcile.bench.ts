import mysql from 'mysql2/promise';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { runScsc } from './run-scsc.js';

/**
 * Verification of identical tables: scsc reconcile against the physical floor, an in-server
 * BIT_XOR(CRC32(...)) scan of the same table on both servers at once (no chunking, no transfer).
 */
export async function reconcileBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult> {
  const scsc = await runScsc(['reconcile', '--source', source.url(database), '--target', target.url(database), '--json']);
  const report = JSON.parse(scsc.stdout) as { ok: boolean };
  if (!report.ok) throw new Error('reconcile bench: the tables were expected to be identical');
  const scan = async (server: MariaDbServer): Promise<void> => {
    const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database });
    try {
      await connection.query("SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS('#', id, qty, name, price, updated_at, tag))) FROM items");
    } finally {
      await connection.end();
    }
  };
  const started = performance.now();
  await Promise.all([scan(source), scan(target)]);
  const floorMs = performance.now() - started;
  const rate = (ms: number): string => `${((rows / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
  return {
    name: `verify identical, ${rows.toLocaleString('en')} rows`,
    scsc: `${(scsc.ms / 1000).toFixed(2)} s (${rate(scsc.ms)})`,
    peer: `in-server CRC32 scan ${(floorMs / 1000).toFixed(2)} s (${rate(floorMs)})`,
    ratio: floorMs / scsc.ms,
  };
}
