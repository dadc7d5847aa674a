import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli, startCli } from '../env/run-cli.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';

/*
 * A trigger on the target runs for every row scsc writes, which a native replica never does for the
 * rows it applies: an AFTER INSERT trigger here writes audit rows the source does not have, a BEFORE
 * INSERT one changes the value written. Writing commands refuse such tables unless --fire-triggers.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

interface RunJson { tables: Array<{ table: string; status: string; reason?: string; missing?: number }> }

const TABLES = 'CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL); CREATE TABLE plain (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)';
const TRIGGERS = `CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, item_id INT NOT NULL);
  CREATE TRIGGER items_audit AFTER INSERT ON items FOR EACH ROW INSERT INTO audit (item_id) VALUES (NEW.id);
  CREATE TRIGGER items_upper BEFORE INSERT ON items FOR EACH ROW SET NEW.v = UPPER(NEW.v)`;

async function rows(database: string, table: string, server = servers.target): Promise<string[]> {
  const found = await server.sql(`SELECT * FROM ${database}.${table} ORDER BY 1`) as Array<Record<string, unknown>>;
  return found.map((row) => Object.values(row).join('|'));
}

describe('tables with triggers on the target', { skip: servers.skip }, () => {
  it('sync refuses them (the plan of --dry-run too) and writes the others; reconcile compares them; --fire-triggers writes them and the triggers run', async () => {
    await servers.source.sql(`CREATE DATABASE trg; USE trg; ${TABLES}; INSERT INTO items VALUES (1, 'one'), (2, 'two'); INSERT INTO plain VALUES (1, 'p')`);
    await servers.target.sql(`CREATE DATABASE trg; USE trg; ${TABLES}; ${TRIGGERS}`);
    const urls = ['--source', servers.source.url('trg'), '--target', servers.target.url('trg')];
    const sync = async (...extra: string[]): Promise<{ code: number; report: RunJson }> => {
      const result = await runCli(['sync', ...urls, '--detector', 'off', '--json', '--log-level', 'warn', ...extra]);
      return { code: result.code, report: JSON.parse(result.stdout) as RunJson };
    };
    const byTable = (report: RunJson): Record<string, string> => Object.fromEntries(report.tables.map((t) => [t.table, t.status]));

    const checked = await runCli(['check', '--for', 'sync', ...urls, '--json', '--log-level', 'warn']);
    assert.equal(checked.code, 1, checked.stdout);
    const findings = (JSON.parse(checked.stdout) as { findings: Array<{ check: string; severity: string; table?: string; fix?: string }> }).findings;
    assert.deepEqual(findings.filter((f) => f.check === 'table.target-triggers').map((f) => [f.severity, f.table, f.fix]),
      [['blocker', 'items', 'drop them on the target (DROP TRIGGER `items_audit`, `items_upper`), exclude the table, or pass --fire-triggers if they are meant to run']]);
    const readOnly = await runCli(['check', '--for', 'reconcile', ...urls, '--json', '--log-level', 'warn']);
    assert.ok(!readOnly.stdout.includes('table.target-triggers'), 'reconcile only reads');

    const plan = await sync('--dry-run');
    assert.equal(byTable(plan.report).items, 'refused');

    const refused = await sync();
    assert.equal(refused.code, 1);
    assert.deepEqual(byTable(refused.report), { items: 'refused', plain: 'copied' });
    assert.match(refused.report.tables.find((t) => t.table === 'items')?.reason ?? '', /^items has triggers items_audit, items_upper on the target, which would run for every row scsc writes: drop them there .*or pass --fire-triggers$/);
    assert.deepEqual([await rows('trg', 'items'), await rows('trg', 'audit'), await rows('trg', 'plain')], [[], [], ['1|p']]);

    const compared = await runCli(['reconcile', ...urls, '--json', '--log-level', 'warn']);
    assert.equal(compared.code, 1, compared.stderr);
    assert.deepEqual((JSON.parse(compared.stdout) as RunJson).tables.map((t) => [t.table, t.status, t.missing]), [['items', 'differs', 2], ['plain', 'equal', 0]]);

    const fired = await sync('--fire-triggers');
    assert.equal(fired.code, 0, JSON.stringify(fired.report));
    // What the triggers do is why they are refused: the values written are not the source's.
    assert.deepEqual([await rows('trg', 'items'), await rows('trg', 'audit')], [['1|ONE', '2|TWO'], ['1|1', '2|2']]);
  });

  it('replicate stops at start with TARGET_TRIGGERS; with --fire-triggers it replicates and the triggers run', async () => {
    await servers.source.sql(`CREATE DATABASE trr; USE trr; ${TABLES}; INSERT INTO items VALUES (1, 'one')`);
    await servers.target.sql(`CREATE DATABASE trr; USE trr; ${TABLES}; ${TRIGGERS}`);
    const args = ['replicate', '--source', servers.source.url('trr'), '--target', servers.target.url('trr'), '--log-level', 'info'];

    const refused = await runCli(args);
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /error TARGET_TRIGGERS: cannot replicate into .*trr: items has triggers items_audit, items_upper on the target, which would run for every row scsc writes \(fix: Drop those triggers/);
    assert.deepEqual(await rows('trr', 'items'), [], 'nothing was copied');

    const cli = startCli([...args, '--fire-triggers', '--include', 'items,plain']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql("INSERT INTO trr.plain VALUES (5, 'five'); INSERT INTO trr.items VALUES (2, 'two')");
      await waitForTablesEqual({ server: servers.source, database: 'trr' }, { server: servers.target, database: 'trr' }, ['plain'], cli);
      const deadline = Date.now() + 30_000;
      while ((await rows('trr', 'audit')).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual([await rows('trr', 'items'), await rows('trr', 'audit')], [['1|ONE', '2|TWO'], ['1|1', '2|2']]);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });
});
