import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import { median, type BenchResult } from './bench-result.js';
import { plantDrift, type BenchKey } from './bench-table.js';
import { runScsc, timed } from './run-scsc.js';

/**
 * Repair of ~1% drift (changed, deleted, extra rows) in a copy of the source table: scsc sync against
 * pt-table-sync --execute, each starting from the same drifted target, each checked afterwards.
 * SCSC_BENCH_RUNS (default 3) repeats the pair, interleaved, and reports the medians.
 */
export async function syncBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number, key: BenchKey = 'integer'): Promise<BenchResult> {
  const runs = Math.max(1, Number(process.env.SCSC_BENCH_RUNS ?? 3));
  const ptTableSync = findBinary('pt-table-sync');
  const dsn = (s: MariaDbServer): string => `h=${s.host},P=${s.port},u=root`;
  const scscMs: number[] = [];
  const peerMs: number[] = [];
  let planted = 0;
  let compared = '';
  for (let run = 0; run < runs; run++) {
    const drift = await plantDrift(target, database, rows, key);
    planted = drift.changed + drift.missing + drift.extra;
    const scsc = await runScsc(['sync', '--detector', 'off', '--source', source.url(database), '--target', target.url(database), '--json']);
    scscMs.push(scsc.ms);
    const [table] = (JSON.parse(scsc.stdout) as { tables: Array<{ rowsCompared?: number; chunksRowByRow?: number }> }).tables;
    compared = `${(table?.rowsCompared ?? 0).toLocaleString('en')} rows compared one by one`;
    await assertEqual(source, target, database);
    if (ptTableSync === undefined) continue;
    await plantDrift(target, database, rows, key);
    // pt-table-sync exits 2 when it found (and with --execute fixed) differences.
    peerMs.push(await timed(ptTableSync, ['--execute', '--no-check-slave', `${dsn(source)},D=${database},t=items`, dsn(target)], { okExitCodes: [2] }));
    await assertEqual(source, target, database);
  }
  const label = `repair 1% drift (${planted} rows), ${rows.toLocaleString('en')} rows${key === 'uuid' ? ', UUID text key' : ''}${runs > 1 ? `, median of ${runs}` : ''}`;
  const scsc = `${(median(scscMs) / 1000).toFixed(1)} s (${compared})`;
  if (ptTableSync === undefined) return { name: label, scsc, peer: 'pt-table-sync not installed (apt-get install percona-toolkit)', ratio: Number.NaN };
  return { name: label, scsc, peer: `pt-table-sync --execute ${(median(peerMs) / 1000).toFixed(1)} s`, ratio: median(peerMs) / median(scscMs) };
}

async function assertEqual(source: MariaDbServer, target: MariaDbServer, database: string): Promise<void> {
  const check = await runScsc(['reconcile', '--source', source.url(database), '--target', target.url(database), '--json']);
  if (!(JSON.parse(check.stdout) as { ok: boolean }).ok) throw new Error('sync bench: target not equal to the source after the repair');
}
