import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli, type CliResult } from '../env/run-cli.js';

/* `scsc sync` as a user runs it, with bad input and each option that changes what gets written. */

const servers = mariaDbServersForTests({ source: {}, target: {} });

interface TableJson { table: string; status: string; method?: string; missing?: number; extra?: number; changed?: number; reason?: string; error?: string }
interface RunJson { ok: boolean; tables: TableJson[]; error?: { code: string; message: string } }

const STACK_LINE = /^\s+at .+[:(]/m;

/** Every row of every table of a database, as text, for before/after and source/target comparisons. */
async function contents(server: MariaDbServer, database: string): Promise<Record<string, string>> {
  const tables = (await server.sql(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}' ORDER BY 1`)) as Array<{ t: string }>;
  const result: Record<string, string> = {};
  for (const { t } of tables) {
    const rows = (await server.sql(`SELECT * FROM \`${database}\`.\`${t}\` ORDER BY 1`)) as unknown[];
    result[t] = JSON.stringify(rows);
  }
  return result;
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

describe('scsc sync: bad input and options', { skip: servers.skip }, () => {
  let cwd = '';
  const run = (args: string[]): Promise<CliResult> => runCli([...args, '--log-level', 'warn'], { cwd });
  const json = async (args: string[]): Promise<CliResult & { report: RunJson }> => {
    const result = await run([...args, '--json']);
    try {
      return { ...result, report: JSON.parse(lines(result.stdout).join('\n')) as RunJson };
    } catch {
      throw new Error(`scsc ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  };
  const urls = (sourceDb: string, targetDb = sourceDb, user?: string, password?: string): string[] =>
    ['--source', servers.source.url(sourceDb), '--target', servers.target.url(targetDb, user, password)];
  const sync = (database: string, ...extra: string[]): ReturnType<typeof json> => json(['sync', ...urls(database), '--detector', 'off', ...extra]);
  const statuses = (report: RunJson): Record<string, string> => Object.fromEntries(report.tables.map((t) => [t.table, t.status]));

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scsc-sync-cli-'));
    const shop = `CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20));
      INSERT INTO customers VALUES (1, 'ann'), (2, 'bob');
      CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, total DECIMAL(8,2));
      INSERT INTO orders VALUES (10, 1, 9.99), (11, 2, 5.00);`;
    const globs = `CREATE TABLE app_users (id INT PRIMARY KEY, v INT); CREATE TABLE app_roles (id INT PRIMARY KEY, v INT);
      CREATE TABLE app_x (id INT PRIMARY KEY, v INT); CREATE TABLE audit_log (id INT PRIMARY KEY, v INT); CREATE TABLE audit_logs (id INT PRIMARY KEY, v INT);`;
    const globRows = "INSERT INTO app_users VALUES (1, 1); INSERT INTO app_roles VALUES (1, 1); INSERT INTO app_x VALUES (1, 1); INSERT INTO audit_log VALUES (1, 1); INSERT INTO audit_logs VALUES (1, 1);";
    const fk = `CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20));
      CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id));`;
    const workers = Array.from({ length: 6 }, (_, i) => `CREATE TABLE w${i} (id INT PRIMARY KEY, v VARCHAR(20));
      INSERT INTO w${i} SELECT seq, CONCAT('v', seq) FROM seq_1_to_${500 + i * 100};`).join('\n');
    const workersDrift = Array.from({ length: 6 }, (_, i) => `DELETE FROM w${i} WHERE id % 50 = ${i};
      UPDATE w${i} SET v = 'changed' WHERE id % 70 = ${i}; INSERT INTO w${i} VALUES (${10_000 + i}, 'extra');`).join('\n');
    await servers.source.sql(`
      CREATE DATABASE c_shop; USE c_shop; ${shop}
      CREATE DATABASE c_missing; USE c_missing; ${shop}
      CREATE DATABASE c_nokey; USE c_nokey; ${shop} CREATE TABLE heap (a INT, b TEXT); INSERT INTO heap VALUES (1, 'x'), (1, 'x');
        CREATE TABLE nullable_unique (a INT NULL, b INT, UNIQUE KEY (a)); INSERT INTO nullable_unique VALUES (NULL, 1), (NULL, 2);
      CREATE DATABASE c_ro; USE c_ro; ${shop} CREATE TABLE fresh (id INT PRIMARY KEY, v INT); INSERT INTO fresh VALUES (1, 1), (2, 2);
      CREATE DATABASE c_globs; USE c_globs; ${globs} ${globRows}
      CREATE DATABASE c_fk; USE c_fk; ${fk} INSERT INTO parent VALUES (1, 'p1'); INSERT INTO child VALUES (1, 1);
      CREATE DATABASE c_w1; USE c_w1; ${workers}
      CREATE DATABASE c_w4; USE c_w4; ${workers}`);
    await servers.target.sql(`
      CREATE DATABASE c_shop; USE c_shop; ${shop}
      CREATE DATABASE c_missing; USE c_missing; CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20));
      CREATE DATABASE c_nokey; USE c_nokey; ${shop} CREATE TABLE heap (a INT, b TEXT); CREATE TABLE nullable_unique (a INT NULL, b INT, UNIQUE KEY (a));
        UPDATE customers SET name = 'drifted'; DELETE FROM orders;
      CREATE DATABASE c_ro; USE c_ro; ${shop} CREATE TABLE fresh (id INT PRIMARY KEY, v INT);
        UPDATE customers SET name = 'old' WHERE id = 1; DELETE FROM orders WHERE id = 11;
      CREATE DATABASE c_globs; USE c_globs; ${globs}
      CREATE DATABASE c_fk; USE c_fk; ${fk}
      CREATE DATABASE c_w1; USE c_w1; ${workers} ${workersDrift}
      CREATE DATABASE c_w4; USE c_w4; ${workers} ${workersDrift}
      CREATE USER 'reader'@'%' IDENTIFIED BY 'pw-reader-9'; GRANT SELECT ON c_ro.* TO 'reader'@'%';`);
  });
  after(async () => {
    if (cwd !== '') await rm(cwd, { recursive: true, force: true });
  });

  it('an unknown table in --include: exit 2, one line naming it, nothing written', async () => {
    const before = await contents(servers.target, 'c_shop');
    const result = await run(['sync', ...urls('c_shop'), '--include', 'customers,custmers', '--detector', 'off']);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(lines(result.stderr).length, 1, result.stderr);
    assert.match(result.stderr, /custmers/);
    assert.doesNotMatch(result.stderr, STACK_LINE);
    assert.deepEqual(await contents(servers.target, 'c_shop'), before);
  });

  it('a table missing on the target is reported (exit 1); --create-missing creates and copies it', async () => {
    const reported = await sync('c_missing');
    assert.equal(reported.code, 1);
    assert.deepEqual(statuses(reported.report), { customers: 'copied', orders: 'missing-on-target' });
    assert.match(reported.report.tables.find((t) => t.table === 'orders')?.reason ?? '', /--create-missing/);

    const created = await sync('c_missing', '--create-missing');
    assert.equal(created.code, 0, JSON.stringify(created.report.tables));
    assert.deepEqual(statuses(created.report), { customers: 'equal', orders: 'copied' });
    assert.deepEqual(await contents(servers.target, 'c_missing'), await contents(servers.source, 'c_missing'));
    const ddl = (await servers.target.sql('SHOW CREATE TABLE c_missing.orders')) as Array<Record<string, string>>;
    assert.match(ddl[0]?.['Create Table'] ?? '', /PRIMARY KEY \(`id`\)/);
  });

  it('a table without a usable key is refused with the reason (exit 1) while the others are synced', async () => {
    const { code, report, stderr } = await sync('c_nokey');
    assert.equal(code, 1, stderr);
    assert.deepEqual(statuses(report), { customers: 'synced', heap: 'refused', nullable_unique: 'refused', orders: 'copied' });
    for (const table of ['heap', 'nullable_unique']) {
      assert.match(report.tables.find((t) => t.table === table)?.reason ?? '', /no primary key and no NOT NULL unique key/);
    }
    const target = await contents(servers.target, 'c_nokey');
    const source = await contents(servers.source, 'c_nokey');
    assert.equal(target.customers, source.customers);
    assert.equal(target.orders, source.orders);
    assert.equal(target.heap, '[]');

    const human = await run(['sync', ...urls('c_nokey'), '--detector', 'off']);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /heap\s+REFUSED/);
    assert.match(human.stdout, /heap: no primary key/);
  });

  it('a read-only target user: a clear error, non-zero exit, nothing written, no stack trace', async () => {
    const before = await contents(servers.target, 'c_ro');
    const result = await run(['sync', ...urls('c_ro', 'c_ro', 'reader', 'pw-reader-9'), '--detector', 'off']);
    assert.notEqual(result.code, 0);
    const output = result.stdout + result.stderr;
    assert.match(output, /customers: .*INSERT, UPDATE command denied to user 'reader'/);
    assert.match(output, /needs GRANT INSERT, UPDATE, DELETE ON `c_ro`\.\*/);
    assert.doesNotMatch(output, STACK_LINE);
    assert.doesNotMatch(output, /pw-reader-9/);
    assert.deepEqual(await contents(servers.target, 'c_ro'), before);

    const asJson = await json(['sync', ...urls('c_ro', 'c_ro', 'reader', 'pw-reader-9'), '--detector', 'off']);
    assert.notEqual(asJson.code, 0);
    assert.equal(asJson.report.ok, false);
    assert.deepEqual(await contents(servers.target, 'c_ro'), before);
  });

  it('--include / --exclude globs select exactly the matching tables', async () => {
    const { code, report } = await sync('c_globs', '--include', 'app_*,audit_lo?', '--exclude', 'app_x');
    assert.equal(code, 0, JSON.stringify(report.tables));
    assert.deepEqual(report.tables.map((t) => t.table).sort(), ['app_roles', 'app_users', 'audit_log']);
    const target = await contents(servers.target, 'c_globs');
    assert.deepEqual(Object.entries(target).filter(([, rows]) => rows !== '[]').map(([t]) => t), ['app_roles', 'app_users', 'audit_log']);

    const repeated = await sync('c_globs', '--include', 'audit_*', '--include', 'app_x', '--exclude', '*log');
    assert.deepEqual(repeated.report.tables.map((t) => t.table).sort(), ['app_x', 'audit_logs']);
  });

  it('--workers 1 and --workers 4 give the same result', async () => {
    const one = await sync('c_w1', '--workers', '1');
    const four = await sync('c_w4', '--workers', '4');
    assert.equal(one.code, 0, JSON.stringify(one.report.tables));
    assert.equal(four.code, 0, JSON.stringify(four.report.tables));
    const summary = (report: RunJson): string[] => report.tables.map((t) => `${t.table} ${t.status} ${t.missing}/${t.extra}/${t.changed}`).sort();
    assert.deepEqual(summary(one.report), summary(four.report));
    assert.ok(one.report.tables.every((t) => (t.missing ?? 0) > 0 && t.extra === 1 && (t.changed ?? 0) > 0));
    const source = await contents(servers.source, 'c_w1');
    assert.deepEqual(await contents(servers.target, 'c_w1'), source);
    assert.deepEqual(await contents(servers.target, 'c_w4'), source);
  });

  it('--keep-fk-checks: a child whose parent is missing fails cleanly; by default it is written', async () => {
    const kept = await sync('c_fk', '--include', 'child', '--keep-fk-checks');
    assert.notEqual(kept.code, 0);
    const failed = kept.report.tables.find((t) => t.table === 'child');
    assert.equal(failed?.status, 'error');
    assert.match(failed?.reason ?? '', /foreign key constraint fails/i);
    assert.doesNotMatch(kept.stdout + kept.stderr, STACK_LINE);
    assert.equal(Number(((await servers.target.sql('SELECT COUNT(*) AS n FROM c_fk.child')) as Array<{ n: string }>)[0]?.n), 0);

    const human = await run(['sync', ...urls('c_fk'), '--include', 'child', '--keep-fk-checks', '--detector', 'off']);
    assert.notEqual(human.code, 0);
    assert.match(human.stdout, /child\s+ERROR/);
    assert.doesNotMatch(human.stdout + human.stderr, STACK_LINE);

    const relaxed = await sync('c_fk', '--include', 'child');
    assert.equal(relaxed.code, 0, JSON.stringify(relaxed.report.tables));
    assert.deepEqual(statuses(relaxed.report), { child: 'copied' });
    assert.equal(Number(((await servers.target.sql('SELECT COUNT(*) AS n FROM c_fk.child')) as Array<{ n: string }>)[0]?.n), 1);
  });

  it('columns whose names differ only in case on the two sides get the source values (copy and repair)', async () => {
    await servers.source.sql(`CREATE DATABASE c_case; CREATE TABLE c_case.t (id INT PRIMARY KEY, Email VARCHAR(20), Note TEXT);
      INSERT INTO c_case.t VALUES (1, 'a@x', 'one'), (2, 'b@x', NULL);`);
    await servers.target.sql(`CREATE DATABASE c_case; CREATE TABLE c_case.t (id INT PRIMARY KEY, email VARCHAR(20), note TEXT)`);
    const copied = await sync('c_case');
    assert.equal(copied.code, 0, JSON.stringify(copied.report.tables));
    assert.deepEqual(await servers.target.sql('SELECT id, email, note FROM c_case.t ORDER BY id'), [
      { id: 1, email: 'a@x', note: 'one' }, { id: 2, email: 'b@x', note: null },
    ]);
    await servers.target.sql("UPDATE c_case.t SET email = 'stale', note = 'stale'");
    const repaired = await sync('c_case');
    assert.equal(repaired.code, 0, JSON.stringify(repaired.report.tables));
    assert.deepEqual(statuses(repaired.report), { t: 'synced' });
    assert.deepEqual(await servers.target.sql('SELECT id, email, note FROM c_case.t ORDER BY id'), [
      { id: 1, email: 'a@x', note: 'one' }, { id: 2, email: 'b@x', note: null },
    ]);
  });

  it('a bulk copy whose INSERT fails part-way reports the error (exit 4), never "copied"', async () => {
    await servers.source.sql(`CREATE DATABASE c_fail; CREATE TABLE c_fail.t (id INT PRIMARY KEY, v VARCHAR(50));
      USE c_fail; INSERT INTO c_fail.t SELECT seq, 'ok' FROM seq_1_to_20000; UPDATE c_fail.t SET v = REPEAT('x', 40) WHERE id = 15000;`);
    await servers.target.sql('CREATE DATABASE c_fail; CREATE TABLE c_fail.t (id INT PRIMARY KEY, v VARCHAR(10))');
    const result = await sync('c_fail', '--batch-size', '500');
    assert.equal(result.code, 4, JSON.stringify(result.report.tables));
    const table = result.report.tables.find((t) => t.table === 't');
    assert.equal(table?.status, 'error');
    assert.match(table?.reason ?? '', /too long/i);
  });
});
