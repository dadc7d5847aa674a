import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { plantDrift } from './bench-table.js';
import { runScsc, timed } from './run-scsc.js';

/**
 * Repair of ~1% drift (changed, deleted, extra rows) in a copy of the source table: scsc sync against
 * pt-table-sync --execute, each starting from the same drifted target, each checked afterwards.
 */
export async function syncBench(source: MariaDbServer, target: MariaDbServer, database: string, rows: number): Promise<BenchResult> {
  const planted = await plantDrift(target, database, rows);
  const scsc = await runScsc(['sync', '--detector', 'off', '--source', source.url(database), '--target', target.url(database), '--json']);
  await assertEqual(source, target, database);
  const label = `repair 1% drift (${planted.changed + planted.missing + planted.extra} rows), ${rows.toLocaleString('en')} rows`;
  const ptTableSync = findBinary('pt-table-sync');
  if (ptTableSync === undefined) {
    return { name: label, scsc: `${(scsc.ms / 1000).toFixed(1)} s`, peer: 'pt-table-sync not installed (apt-get install percona-toolkit)', ratio: Number.NaN };
  }
  await plantDrift(target, database, rows);
  const dsn = (s: MariaDbServer): string => `h=${s.host},P=${s.port},u=root`;
  // pt-table-sync exits 2 when it found (and with --execute fixed) differences.
  const ms = await timed(ptTableSync, ['--execute', '--no-check-slave', `${dsn(source)},D=${database},t=items`, dsn(target)], { okExitCodes: [2] });
  await assertEqual(source, target, database);
  return { name: label, scsc: `${(scsc.ms / 1000).toFixed(1)} s`, peer: `pt-table-sync --execute ${(ms / 1000).toFixed(1)} s`, ratio: ms / scsc.ms };
}

async function assertEqual(source: MariaDbServer, target: MariaDbServer, database: string): Promise<void> {
  const check = await runScsc(['reconcile', '--source', source.url(database), '--target', target.url(database), '--json']);
  if (!(JSON.parse(check.stdout) as { ok: boolean }).ok) throw new Error('sync bench: target not equal to the source after the repair');
}
