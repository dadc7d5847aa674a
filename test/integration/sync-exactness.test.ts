import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';
import { compareSnapshots, differencesBetween, exactSnapshot, schemaSql, TABLES } from '../env/type-fixture.js';

/* Exactness of `scsc sync` for every column type, checked by the fixture's independent exact read. */

const servers = mariaDbServersForTests({ source: {}, target: {} });

async function assertTablesEqual(targetDatabase: string): Promise<void> {
  const problems = await differencesBetween({ server: servers.source, database: 'ex' }, { server: servers.target, database: targetDatabase });
  assert.deepEqual(problems, [], `target ${targetDatabase} differs from the source:\n${problems.join('\n')}`);
}

interface TableJson { table: string; status: string; method?: string; missing?: number; extra?: number; changed?: number; reason?: string }
interface RunJson { ok: boolean; tables: TableJson[] }

describe('scsc sync copies every column type exactly', { skip: servers.skip }, () => {
  let cwd = '';
  const scsc = async (args: string[]): Promise<{ code: number; report: RunJson; stderr: string }> => {
    const result = await runCli([...args, '--json', '--log-level', 'warn'], { cwd });
    let report: RunJson;
    try {
      report = JSON.parse(result.stdout) as RunJson;
    } catch {
      throw new Error(`scsc ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
    return { code: result.code, report, stderr: result.stderr };
  };
  const sync = (target: string): ReturnType<typeof scsc> =>
    scsc(['sync', '--source', servers.source.url('ex'), '--target', servers.target.url(target), '--detector', 'off']);
  const reconcile = (target: string): ReturnType<typeof scsc> =>
    scsc(['reconcile', '--source', servers.source.url('ex'), '--target', servers.target.url(target)]);

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scsc-exactness-'));
    await servers.source.sql(schemaSql('ex', 0));
    await servers.target.sql(schemaSql('ex_empty', -1)); // tables only: the bulk-copy path
    await servers.target.sql(schemaSql('ex_altered', 1)); // same keys, every row's values shifted by one row
  });
  after(async () => {
    if (cwd !== '') await rm(cwd, { recursive: true, force: true });
  });

  it('the altered target really differs in every row before the sync', async () => {
    for (const table of TABLES) {
      const source = await exactSnapshot(servers.source, 'ex', table);
      const target = await exactSnapshot(servers.target, 'ex_altered', table);
      assert.deepEqual([...target.keys()].sort(), [...source.keys()].sort(), table);
      const same = [...source].filter(([key, row]) => JSON.stringify(row) === JSON.stringify(target.get(key)));
      assert.deepEqual(same.map(([key]) => key), [], `${table}: rows left unaltered`);
    }
  });

  it('bulk-copies into empty target tables, exactly', async () => {
    const { code, report, stderr } = await sync('ex_empty');
    assert.equal(code, 0, `${JSON.stringify(report.tables, null, 1)}\n${stderr}`);
    assert.deepEqual(report.tables.map((t) => [t.table, t.status, t.method]).sort(), TABLES.map((t) => [t, 'copied', 'copy']));
    await assertTablesEqual('ex_empty');
    const check = await reconcile('ex_empty');
    assert.equal(check.code, 0, JSON.stringify(check.report.tables));
    assert.ok(check.report.tables.every((t) => t.status === 'equal' && t.missing === 0 && t.extra === 0 && t.changed === 0));
  });

  it('repairs a target whose rows all hold other values, exactly, never writing generated columns', async () => {
    const before = await reconcile('ex_altered');
    assert.equal(before.code, 1);
    const rows: Record<string, number> = { all_types: 7, all_types_uk: 7, child: 4, composite_keys: 7, order: 4, parent: 3, 'we`ird-ta ble': 3 };
    assert.deepEqual(
      Object.fromEntries(before.report.tables.map((t) => [t.table, [t.missing, t.extra, t.changed]])),
      Object.fromEntries(Object.entries(rows).map(([t, n]) => [t, [0, 0, n]])),
    );

    const { code, report, stderr } = await sync('ex_altered');
    assert.equal(code, 0, `${JSON.stringify(report.tables, null, 1)}\n${stderr}`);
    assert.deepEqual(report.tables.map((t) => [t.table, t.status, t.method]).sort(), TABLES.map((t) => [t, 'synced', 'diff']));
    await assertTablesEqual('ex_altered');

    const after = await reconcile('ex_altered');
    assert.equal(after.code, 0, JSON.stringify(after.report.tables));
    assert.ok(after.report.ok);
    assert.ok(after.report.tables.every((t) => t.status === 'equal' && t.missing === 0 && t.extra === 0 && t.changed === 0));
  });

  it('notices a FLOAT one ulp off and a trailing space lost (the check and reconcile both see them), and sync repairs them', async () => {
    // 16777216 and 16777218 are neighbouring FLOATs that both read as 1.67772e7 through the text protocol.
    await servers.target.sql("UPDATE ex_empty.all_types SET fl = 16777218, vu = 'nul\\0byte, back\\\\slash, it''s \"quoted\", trail  ' WHERE id = 4");
    const [source, target] = await Promise.all([exactSnapshot(servers.source, 'ex', 'all_types'), exactSnapshot(servers.target, 'ex_empty', 'all_types')]);
    assert.deepEqual(compareSnapshots('all_types', source, target).map((line) => line.split(':')[0]), ['all_types ["4"] fl', 'all_types ["4"] vu', 'all_types ["4"] gs']);

    const found = await reconcile('ex_empty');
    assert.equal(found.code, 1);
    assert.deepEqual(found.report.tables.filter((t) => t.changed !== 0).map((t) => [t.table, t.changed]), [['all_types', 1]]);
    const { code } = await sync('ex_empty');
    assert.equal(code, 0);
    await assertTablesEqual('ex_empty');
  });
});
