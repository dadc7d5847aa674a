import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';

/*
 * Every kind of drift between a source and a target, planted by hand with known counts: reconcile
 * must find exactly those, sync / reconcile --repair must remove them, --dry-run must write nothing
 * and --print-sql must print statements that repair the target when run by hand.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

const BASIC_SCHEMA = `
  CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT, price DECIMAL(10,2), note VARCHAR(20), seen TIMESTAMP(6) NULL);
  INSERT INTO items SELECT seq, CONCAT('item-', seq), seq * 3, seq * 1.25, IF(seq % 10 = 0, NULL, 'n'), FROM_UNIXTIME(1700000000 + seq * 3600.5) FROM seq_1_to_100;
  CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE);
  INSERT INTO floats VALUES (1, 16777216, 1), (2, 0.1, 2), (3, 123456.7, 3), (4, 1.5, 0.1), (5, -3.4028234e38, 5e-324);
  CREATE TABLE tags (a INT, b VARCHAR(20), PRIMARY KEY (a, b));
  INSERT INTO tags VALUES (1, 'x'), (1, 'y'), (2, 'x'), (3, 'z');
  CREATE TABLE uq (code VARCHAR(20) NOT NULL, v INT, UNIQUE KEY code (code));
  INSERT INTO uq VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4), ('e', 5), ('f', 6);
  CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(50) NOT NULL, name VARCHAR(20), UNIQUE KEY email (email));
  INSERT INTO users VALUES (1, 'a@x', 'ann'), (2, 'b@x', 'bob'), (3, 'c@x', 'cy'), (4, 'd@x', 'di'), (5, 'e@x', 'ed');`;

/** Drift planted on the target, with the [missing, extra, changed] counts it makes per table. */
const BASIC_DRIFT = `
  DELETE FROM items WHERE id IN (5, 17, 33, 50, 99);
  INSERT INTO items VALUES (0, 'zero', 0, 0, NULL, NULL), (-5, 'neg', 1, 1, NULL, NULL), (101, 'x', 1, 1, NULL, NULL), (150, 'y', 1, 1, NULL, NULL);
  UPDATE items SET name = 'renamed' WHERE id = 1;
  UPDATE items SET qty = NULL WHERE id = 2;
  UPDATE items SET price = 3.76 WHERE id = 3;
  UPDATE items SET note = 'was null' WHERE id = 10;
  UPDATE items SET name = 'item-11 ' WHERE id = 11;
  UPDATE items SET name = 'ITEM-12' WHERE id = 12;
  UPDATE items SET seen = seen + INTERVAL 1 MICROSECOND WHERE id = 13;
  UPDATE floats SET f = 16777218 WHERE id = 1;
  UPDATE floats SET f = 0.10000001 WHERE id = 2;
  UPDATE floats SET f = 123456.8 WHERE id = 3;
  UPDATE floats SET d = 0.10000000000000002 WHERE id = 4;
  DELETE FROM tags WHERE (a, b) IN ((1, 'y'), (3, 'z'));
  INSERT INTO tags VALUES (2, 'y'), (4, 'w');
  DELETE FROM uq WHERE code = 'b';
  INSERT INTO uq VALUES ('zz', 26);
  UPDATE uq SET v = 33 WHERE code = 'c';
  UPDATE users SET email = CONCAT('tmp-', id);
  UPDATE users SET email = CASE id WHEN 1 THEN 'b@x' WHEN 2 THEN 'a@x' WHEN 3 THEN 'd@x' WHEN 4 THEN 'e@x' WHEN 5 THEN 'c@x' END;`;
const BASIC_COUNTS: Record<string, [number, number, number]> = {
  floats: [0, 0, 4], items: [5, 4, 7], tags: [2, 2, 0], uq: [1, 1, 1], users: [0, 0, 5],
};

/** Parents with a secondary UNIQUE name (so changed parents are rewritten) and ON DELETE CASCADE children. */
const FK_SCHEMA = `
  CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, UNIQUE KEY name (name));
  CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, note VARCHAR(20),
    CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE);
  CREATE TABLE pinned (id INT PRIMARY KEY, parent_id INT NOT NULL, CONSTRAINT pinned_parent FOREIGN KEY (parent_id) REFERENCES parent (id));
  INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3');
  INSERT INTO child SELECT seq, seq % 3 + 1, CONCAT('c', seq) FROM seq_1_to_6;
  INSERT INTO pinned VALUES (1, 1);`;
const FK_DRIFT = `
  UPDATE parent SET name = CONCAT('tmp-', id);
  UPDATE parent SET name = CASE id WHEN 1 THEN 'p3' WHEN 2 THEN 'p2-old' WHEN 3 THEN 'p1' END;
  INSERT INTO parent VALUES (9, 'p9');
  INSERT INTO child VALUES (9, 9, 'orphan-to-be');
  INSERT INTO pinned VALUES (9, 9);
  UPDATE child SET note = 'changed' WHERE id = 4;`;
// pinned: a RESTRICT child whose extra row holds the extra parent row (with FK checks on, the parent's delete must wait for it)
const FK_COUNTS: Record<string, [number, number, number]> = { child: [0, 1, 1], parent: [0, 1, 3], pinned: [0, 1, 0] };

const BIG_ROWS = 50_000;

interface TableJson {
  table: string; status: string; method?: string; missing: number; extra: number; changed: number;
  rowsCompared: number; sourceRows: number; targetRows: number; chunks: number; statements?: string[]; reason?: string;
}
interface RunJson { ok: boolean; tables: TableJson[] }

const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** The whole table in key order, read over the binary protocol (FLOAT/DOUBLE as their IEEE bits). */
async function tableRows(server: MariaDbServer, database: string, table: string): Promise<string[]> {
  const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database, dateStrings: true, bigNumberStrings: true, supportBigNumbers: true });
  try {
    await connection.query("SET time_zone = '+00:00'");
    const [rows] = await connection.execute<RowDataPacket[]>(`SELECT * FROM ${q(table)}`);
    const exact = (v: unknown): unknown => (typeof v === 'number' ? `ieee:${Buffer.from(new Float64Array([v]).buffer).toString('hex')}`
      : Buffer.isBuffer(v) ? `hex:${v.toString('hex')}` : v);
    return rows.map((row) => JSON.stringify(Object.values(row).map(exact))).sort();
  } finally {
    await connection.end();
  }
}

async function tableNames(server: MariaDbServer, database: string): Promise<string[]> {
  const rows = (await server.sql(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${database}' ORDER BY 1`)) as Array<{ t: string }>;
  return rows.map((r) => r.t);
}

async function assertSameData(sourceDb: string, targetDb: string): Promise<void> {
  const tables = await tableNames(servers.source, sourceDb);
  for (const table of tables) {
    const [source, target] = await Promise.all([tableRows(servers.source, sourceDb, table), tableRows(servers.target, targetDb, table)]);
    assert.ok(source.length > 0, `${sourceDb}.${table} is empty`);
    const [onSource, onTarget] = [new Set(source), new Set(target)];
    const missing = source.filter((r) => !onTarget.has(r));
    const extra = target.filter((r) => !onSource.has(r));
    assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] }, `${targetDb}.${table} differs`);
  }
}

async function dataOf(server: MariaDbServer, database: string): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of await tableNames(server, database)) result[table] = await tableRows(server, database, table);
  return result;
}

/** Both servers get `schema` in `database`; the target also gets `drift`. */
async function plant(database: string, schema: string, drift: string): Promise<void> {
  await servers.source.sql(`CREATE DATABASE ${database}; USE ${database}; ${schema}`);
  await servers.target.sql(`CREATE DATABASE ${database}; USE ${database}; ${schema}\n${drift}`);
}

function counts(report: RunJson): Record<string, [number, number, number]> {
  return Object.fromEntries(report.tables.map((t) => [t.table, [t.missing, t.extra, t.changed]]));
}

/** Runs SQL text through the mariadb command-line client, as a user would paste it. */
async function mariadbClient(server: MariaDbServer, database: string, sql: string): Promise<void> {
  const child = spawn('mariadb', ['--no-defaults', '-h', server.host, '-P', String(server.port), '-u', 'root', database], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(sql);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 128)));
  assert.equal(code, 0, `mariadb client failed: ${stderr}`);
}

describe('scsc reconcile / sync on drifted targets', { skip: servers.skip }, () => {
  let cwd = '';
  const scsc = async (args: string[], json = true): Promise<{ code: number; report: RunJson; stdout: string; stderr: string }> => {
    const result = await runCli([...args, ...(json ? ['--json'] : []), '--log-level', 'warn'], { cwd });
    let report = { ok: false, tables: [] } as RunJson;
    if (json) {
      try {
        report = JSON.parse(result.stdout) as RunJson;
      } catch {
        throw new Error(`scsc ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
      }
    }
    return { code: result.code, report, stdout: result.stdout, stderr: result.stderr };
  };
  const urls = (database: string): string[] => ['--source', servers.source.url(database), '--target', servers.target.url(database)];
  const sync = (database: string, ...extra: string[]): ReturnType<typeof scsc> => scsc(['sync', ...urls(database), '--detector', 'off', ...extra]);
  const reconcile = (database: string, ...extra: string[]): ReturnType<typeof scsc> => scsc(['reconcile', ...urls(database), ...extra]);

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scsc-drift-'));
    await Promise.all([
      plant('d_basic', BASIC_SCHEMA, BASIC_DRIFT),
      plant('d_repair', BASIC_SCHEMA, BASIC_DRIFT),
      plant('d_dry', BASIC_SCHEMA, BASIC_DRIFT),
      plant('d_print', BASIC_SCHEMA, BASIC_DRIFT),
      plant('d_fk', FK_SCHEMA, FK_DRIFT),
      plant('d_fk_keep', FK_SCHEMA, FK_DRIFT),
      plant('d_fk_print', FK_SCHEMA, FK_DRIFT),
    ]);
  });
  after(async () => {
    if (cwd !== '') await rm(cwd, { recursive: true, force: true });
  });

  it('reconcile finds exactly the planted missing, extra and changed rows (FLOAT beyond the 6th digit, key-only, unique-key-only tables), exit 1', async () => {
    const { code, report } = await reconcile('d_basic');
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    assert.deepEqual(counts(report), BASIC_COUNTS);
    assert.ok(report.tables.every((t) => t.status === 'differs'));
  });

  it('sync removes every difference (swapped UNIQUE values included); reconcile then exits 0', async () => {
    const { code, report, stderr } = await sync('d_basic');
    assert.equal(code, 0, `${JSON.stringify(report.tables)}\n${stderr}`);
    assert.deepEqual(counts(report), BASIC_COUNTS);
    assert.ok(report.tables.every((t) => t.status === 'synced'), JSON.stringify(report.tables));
    await assertSameData('d_basic', 'd_basic');
    const again = await reconcile('d_basic');
    assert.equal(again.code, 0, JSON.stringify(again.report.tables));
    assert.ok(again.report.tables.every((t) => t.status === 'equal'));
  });

  for (const [database, flags] of [['d_fk', []], ['d_fk_keep', ['--keep-fk-checks']]] as const) {
    it(`sync rewrites FK parents without cascading into their children${flags.length > 0 ? ' (--keep-fk-checks)' : ''}`, async () => {
      const before = await reconcile(database);
      assert.equal(before.code, 1);
      assert.deepEqual(counts(before.report), FK_COUNTS);
      const { code, report, stderr } = await sync(database, ...flags);
      assert.equal(code, 0, `${JSON.stringify(report.tables)}\n${stderr}`);
      await assertSameData(database, database);
      const children = (await servers.target.sql(`SELECT COUNT(*) AS n FROM ${database}.child`)) as Array<{ n: number }>;
      assert.equal(Number(children[0]?.n), 6);
      assert.equal((await reconcile(database)).code, 0);
    });
  }

  it('reconcile --print-sql --keep-fk-checks prints FK-safe statements: parents written first, their extra rows deleted last', async () => {
    const { code, stdout } = await scsc(['reconcile', ...urls('d_fk_print'), '--print-sql', '--keep-fk-checks'], false);
    assert.equal(code, 1);
    const sql = stdout.split('\n').filter((line) => /^(SET|INSERT|DELETE|UPDATE|REPLACE)\b/.test(line)).join('\n');
    assert.ok(sql.indexOf('DELETE FROM `d_fk_print`.`pinned`') < sql.indexOf('DELETE FROM `d_fk_print`.`parent` WHERE `id` IN (9)'), sql);
    await mariadbClient(servers.target, 'd_fk_print', sql);
    await assertSameData('d_fk_print', 'd_fk_print');
  });

  it('handles tables whose column names shadow the aliases of scsc\'s own queries (bulk copy and diff)', async () => {
    const table = (name: string): string => `CREATE TABLE ${name} (k1 INT NOT NULL, k0 INT NOT NULL, b INT, n INT, h VARCHAR(10), rn INT, c0 INT, _scsc_bucket INT,
      PRIMARY KEY (k1, k0)); INSERT INTO ${name} SELECT seq % 50, seq DIV 50, seq, seq, 'h', seq, seq, seq FROM seq_0_to_4999;`;
    await servers.source.sql(`CREATE DATABASE d_shadow; USE d_shadow; ${table('shadow_copy')} ${table('shadow_diff')}`);
    await servers.target.sql(`CREATE DATABASE d_shadow; USE d_shadow; ${table('shadow_copy')} ${table('shadow_diff')} DELETE FROM shadow_copy;
      UPDATE shadow_diff SET b = -b WHERE k0 % 7 = 3 AND k1 = 5; DELETE FROM shadow_diff WHERE k1 = 49 AND k0 > 90;`);
    const { code, report } = await sync('d_shadow', '--batch-size', '500');
    assert.equal(code, 0, JSON.stringify(report.tables));
    assert.deepEqual(counts(report), { shadow_copy: [5000, 0, 0], shadow_diff: [9, 0, 14] });
    await assertSameData('d_shadow', 'd_shadow');
    assert.equal((await reconcile('d_shadow')).code, 0);
  });

  it('handles FLOAT, DOUBLE and BIT(64) primary keys whose values the text protocol would round', async () => {
    const schema = `CREATE TABLE float_keys (f FLOAT NOT NULL PRIMARY KEY, v INT);
      INSERT INTO float_keys VALUES (16777216, 1), (16777218, 2), (16777220, 3), (0.1, 4), (0.10000001, 5), (1.5, 6), (-3.4028234e38, 7), (3.4028234e38, 8), (1.17549435e-38, 9);
      CREATE TABLE double_keys (d DOUBLE NOT NULL PRIMARY KEY, v INT);
      INSERT INTO double_keys VALUES (0.1, 1), (0.10000000000000002, 2), (5e-324, 3), (1.7976931348623157e308, 4), (-1, 5);
      CREATE TABLE bit_keys (b BIT(64) NOT NULL PRIMARY KEY, v INT);
      INSERT INTO bit_keys VALUES (b'0', 1), (b'1', 2), (b'${'1'.repeat(64)}', 3), (b'1${'0'.repeat(63)}', 4);`;
    const drift = `DELETE FROM float_keys WHERE f = 16777218; UPDATE float_keys SET v = -4 WHERE f = CAST(0.1 AS FLOAT); INSERT INTO float_keys VALUES (0.10000002, 0);
      DELETE FROM double_keys WHERE d = 0.10000000000000002; UPDATE double_keys SET v = -1 WHERE d = 0.1; INSERT INTO double_keys VALUES (0.30000000000000004, 0);
      DELETE FROM bit_keys WHERE b = 1; UPDATE bit_keys SET v = -3 WHERE b = 18446744073709551615; INSERT INTO bit_keys VALUES (b'10', 0);`;
    await plant('d_numkeys', schema, drift);
    const found = await reconcile('d_numkeys');
    assert.equal(found.code, 1);
    assert.deepEqual(counts(found.report), { bit_keys: [1, 1, 1], double_keys: [1, 1, 1], float_keys: [1, 1, 1] });
    const { code, report } = await sync('d_numkeys');
    assert.equal(code, 0, JSON.stringify(report.tables));
    await servers.target.sql('CREATE DATABASE d_numkeys_copy; CREATE TABLE d_numkeys_copy.float_keys LIKE d_numkeys.float_keys');
    const copy = await scsc(['sync', '--source', servers.source.url('d_numkeys'), '--target', servers.target.url('d_numkeys_copy'), '--include', 'float_keys', '--batch-size', '2', '--detector', 'off']);
    assert.equal(copy.code, 0, JSON.stringify(copy.report.tables));
    assert.deepEqual(await tableRows(servers.target, 'd_numkeys_copy', 'float_keys'), await tableRows(servers.source, 'd_numkeys', 'float_keys'));
    await assertSameData('d_numkeys', 'd_numkeys');
    assert.equal((await reconcile('d_numkeys')).code, 0);
  });

  it('reconcile --repair applies the fix; a second reconcile exits 0', async () => {
    const { code, report } = await reconcile('d_repair', '--repair');
    assert.equal(code, 0, JSON.stringify(report.tables));
    assert.deepEqual(counts(report), BASIC_COUNTS);
    await assertSameData('d_repair', 'd_repair');
    assert.equal((await reconcile('d_repair')).code, 0);
  });

  it('sync --dry-run plans the same counts and writes nothing (diff and bulk-copy tables alike)', async () => {
    await servers.source.sql('CREATE TABLE d_dry.fresh (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO d_dry.fresh VALUES (1, \'a\'), (2, \'b\')');
    await servers.target.sql('CREATE TABLE d_dry.fresh (id INT PRIMARY KEY, v VARCHAR(10))');
    const before = await dataOf(servers.target, 'd_dry');
    const { code, report } = await sync('d_dry', '--dry-run', '--print-sql');
    assert.equal(code, 0, JSON.stringify(report.tables));
    assert.deepEqual(counts(report), { ...BASIC_COUNTS, fresh: [2, 0, 0] });
    assert.ok(report.tables.every((t) => t.status === 'differs'), JSON.stringify(report.tables.map((t) => t.status)));
    assert.ok(report.tables.every((t) => (t.statements ?? []).length > 0), 'dry run with --print-sql plans statements');
    assert.deepEqual(await dataOf(servers.target, 'd_dry'), before);
    assert.equal((await reconcile('d_dry')).code, 1);
  });

  it('reconcile --print-sql prints statements that fix the target when run by hand in the mariadb client', async () => {
    const before = await dataOf(servers.target, 'd_print');
    const { code, stdout } = await scsc(['reconcile', ...urls('d_print'), '--print-sql'], false);
    assert.equal(code, 1);
    assert.deepEqual(await dataOf(servers.target, 'd_print'), before, 'reconcile without --repair writes nothing');
    const sql = stdout.split('\n').filter((line) => /^(SET|INSERT|DELETE|UPDATE|REPLACE)\b/.test(line)).join('\n');
    assert.match(sql, /INSERT/);
    assert.match(sql, /DELETE/);
    // A target whose sessions run in another time zone: the printed TIMESTAMP literals must still land right.
    await servers.target.sql("SET GLOBAL time_zone = '+05:00'");
    try {
      await mariadbClient(servers.target, 'd_print', sql);
    } finally {
      await servers.target.sql("SET GLOBAL time_zone = 'SYSTEM'");
    }
    await assertSameData('d_print', 'd_print');
    assert.equal((await reconcile('d_print')).code, 0);
  });

  it('sync --dry-run --print-sql of an empty target prints the whole copy (more than memory keeps), as text and as JSON, and it fills the target exactly', async () => {
    // About 16 MB of INSERT statements: more than a table's statements are held in memory.
    await plant('d_bigprint', `CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200) NOT NULL, note TEXT);
      INSERT INTO t SELECT seq, CONCAT(REPEAT('v', 120), seq), IF(seq % 7 = 0, NULL, CONCAT('line\\n', seq, ' \\'q\\' "d" \u00e9')) FROM seq_1_to_100000;`,
    'DELETE FROM t;');
    const text = await scsc(['sync', ...urls('d_bigprint'), '--detector', 'off', '--dry-run', '--print-sql'], false);
    assert.equal(text.code, 0, text.stderr);
    const printed = text.stdout.split(';\n').filter((sql) => /^(SET|INSERT)\b/.test(sql));
    assert.ok(printed.join('').length > 12e6, `${printed.join('').length} characters of SQL`);
    const json = await scsc(['sync', ...urls('d_bigprint'), '--detector', 'off', '--dry-run', '--print-sql']);
    assert.deepEqual(json.report.tables[0]?.statements, printed, 'the JSON holds the statements printed as text');
    assert.deepEqual(await dataOf(servers.target, 'd_bigprint'), { t: [] }, 'a dry run writes nothing');
    await mariadbClient(servers.target, 'd_bigprint', printed.map((sql) => `${sql};\n`).join(''));
    await assertSameData('d_bigprint', 'd_bigprint');
  });

  it('repairs a table on which every row differs slice by slice (more differences than one slice holds), unique-key tables too (swapped values across slices in one final rewrite)', async () => {
    const schema = `CREATE TABLE every (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40));
      INSERT INTO every SELECT seq, seq, MD5(seq) FROM seq_1_to_70000;
      CREATE TABLE every_unique (id INT PRIMARY KEY, u INT NOT NULL, UNIQUE KEY u (u));
      INSERT INTO every_unique SELECT seq, seq FROM seq_1_to_45000;
      CREATE TABLE unique_slices (id INT PRIMARY KEY, u INT NOT NULL, v INT NOT NULL, UNIQUE KEY u (u));
      INSERT INTO unique_slices SELECT seq, seq, seq FROM seq_1_to_45000;`;
    const drift = `UPDATE every SET a = -a WHERE id > 5000; DELETE FROM every WHERE id <= 5000; INSERT INTO every SELECT seq, 0, 'x' FROM seq_70001_to_75000;
      UPDATE every_unique SET u = -u; UPDATE every_unique SET u = id % 45000 + 1;
      UPDATE unique_slices SET v = -v; DELETE FROM unique_slices WHERE id % 10 = 0; INSERT INTO unique_slices SELECT seq, seq, 0 FROM seq_45001_to_46000;`;
    await plant('d_every', schema, drift);
    const found = await reconcile('d_every');
    assert.equal(found.code, 1);
    assert.deepEqual(counts(found.report), { every: [5000, 5000, 65000], every_unique: [0, 0, 45000], unique_slices: [4500, 1000, 40500] });
    const { code, report } = await sync('d_every', '--print-sql');
    assert.equal(code, 0, JSON.stringify(report.tables.map((t) => ({ ...t, statements: t.statements?.length }))));
    assert.deepEqual(counts(report), { every: [5000, 5000, 65000], every_unique: [0, 0, 45000], unique_slices: [4500, 1000, 40500] });
    const transactions = (table: string): number => (report.tables.find((t) => t.table === table)?.statements ?? []).filter((sql) => sql === 'START TRANSACTION').length;
    assert.ok(transactions('unique_slices') >= 2, `unique_slices rewritten in ${transactions('unique_slices')} transaction(s)`);
    // Each row holds the next row's value (the last row the first's): a cycle through the whole table,
    // so no slice short of all of it can be rewritten alone; all are rolled back into one final rewrite.
    assert.equal(transactions('every_unique'), 1, 'values swapped across slices: one final rewrite');
    await assertSameData('d_every', 'd_every');
    assert.equal((await reconcile('d_every')).code, 0);
  });

  it(`finds ~1% drift spread over ${BIG_ROWS} rows exactly, comparing far fewer rows than the table holds`, async () => {
    // Source keys are the even numbers 2..100000; the target misses some, has odd extras, and changed rows.
    const schema = `CREATE TABLE big (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), c DOUBLE);
      INSERT INTO big SELECT seq * 2, seq % 1000, MD5(seq), seq / 3 FROM seq_1_to_${BIG_ROWS};`;
    const drift = `DELETE FROM big WHERE (id DIV 2) % 331 = 0;
      UPDATE big SET b = CONCAT(b, '!') WHERE (id DIV 2) % 337 = 5 AND (id DIV 2) % 331 <> 0;
      UPDATE big SET c = c + 1e-9 WHERE (id DIV 2) % 347 = 7 AND (id DIV 2) % 331 <> 0 AND (id DIV 2) % 337 <> 5;
      INSERT INTO big SELECT seq * 2 + 1, 0, 'extra', 0 FROM seq_0_to_${BIG_ROWS} WHERE seq % 333 = 17;`;
    await plant('d_big', schema, drift);
    const ks = Array.from({ length: BIG_ROWS }, (_, i) => i + 1);
    const missing = ks.filter((k) => k % 331 === 0).length;
    const changed = ks.filter((k) => k % 331 !== 0 && (k % 337 === 5 || k % 347 === 7)).length;
    const extra = Array.from({ length: BIG_ROWS + 1 }, (_, i) => i).filter((k) => k % 333 === 17).length;
    assert.ok((missing + extra + changed) / BIG_ROWS > 0.008);

    const found = await reconcile('d_big');
    assert.equal(found.code, 1);
    const [table] = found.report.tables;
    assert.deepEqual([table?.missing, table?.extra, table?.changed], [missing, extra, changed]);
    assert.equal(table?.sourceRows, BIG_ROWS);
    assert.ok((table?.chunks ?? 0) > 1, `chunked: ${table?.chunks} chunks`);
    // At this density rows are compared one by one, each row of each side once at most.
    assert.ok((table?.rowsCompared ?? Infinity) <= BIG_ROWS + (table?.targetRows ?? 0), `rowsCompared ${table?.rowsCompared}`);

    const { code } = await sync('d_big');
    assert.equal(code, 0);
    const after = await reconcile('d_big');
    assert.equal(after.code, 0);
    assert.deepEqual(counts(after.report), { big: [0, 0, 0] });
    await assertSameData('d_big', 'd_big');
  });
});
