import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';

/*
 * The diff's cost model on real servers: dense drift, and drift of about 1%, is compared row by row,
 * sparse drift in hashed buckets with a transfer that follows the differences; integer keys at the ends of their types,
 * far-apart key clusters and drift confined to one region of a table; composite keys bisected. Every
 * expectation comes from reading both tables whole, independently of scsc's hashes.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

interface TableJson {
  table: string; status: string; missing: number; extra: number; changed: number;
  rowsCompared: number; sourceRows: number; chunks: number; chunksRowByRow: number;
}
interface RunJson { ok: boolean; tables: TableJson[] }

/** Row text by key text, read over the text protocol with every value as the server writes it. */
async function rowsByKey(server: MariaDbServer, database: string, table: string, keyColumns: number): Promise<Map<string, string>> {
  const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const [rows] = await connection.query<RowDataPacket[]>({ sql: `SELECT * FROM \`${table}\``, rowsAsArray: true });
    return new Map((rows as unknown as unknown[][]).map((row) => [JSON.stringify(row.slice(0, keyColumns)), JSON.stringify(row)]));
  } finally {
    await connection.end();
  }
}

/** [missing, extra, changed] of the target against the source, counted in JavaScript. */
async function expectedCounts(database: string, table: string, keyColumns = 1): Promise<[number, number, number]> {
  const [source, target] = await Promise.all([rowsByKey(servers.source, database, table, keyColumns), rowsByKey(servers.target, database, table, keyColumns)]);
  let missing = 0;
  let changed = 0;
  for (const [key, row] of source) {
    const other = target.get(key);
    if (other === undefined) missing++;
    else if (other !== row) changed++;
  }
  const extra = [...target.keys()].filter((key) => !source.has(key)).length;
  return [missing, extra, changed];
}

/** Rows the server has sent to its clients (MariaDB's status counter). */
async function rowsSent(server: MariaDbServer): Promise<number> {
  const [row] = (await server.sql("SHOW GLOBAL STATUS LIKE 'Rows_sent'")) as Array<{ Value: string }>;
  return Number(row?.Value);
}

async function plant(database: string, schema: string, drift: string): Promise<void> {
  await servers.source.sql(`CREATE DATABASE ${database}; USE ${database}; ${schema}`);
  await servers.target.sql(`CREATE DATABASE ${database}; USE ${database}; ${schema}\n${drift}`);
}

describe('diff cost model: dense, sparse and regional drift, integer key edges', { skip: servers.skip }, () => {
  let cwd = '';
  const scsc = async (verb: 'sync' | 'reconcile', database: string): Promise<{ code: number; report: RunJson }> => {
    const extra = verb === 'sync' ? ['--detector', 'off'] : [];
    const result = await runCli([verb, '--source', servers.source.url(database), '--target', servers.target.url(database), ...extra, '--json', '--log-level', 'warn'], { cwd });
    try {
      return { code: result.code, report: JSON.parse(result.stdout) as RunJson };
    } catch {
      throw new Error(`scsc ${verb} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  };
  /** reconcile finds exactly the differences counted in JavaScript; sync removes them all. */
  const findAndRepair = async (database: string, keyColumns: Record<string, number> = {}): Promise<Record<string, TableJson>> => {
    const found = await scsc('reconcile', database);
    assert.equal(found.code, 1, JSON.stringify(found.report.tables));
    const reports: Record<string, TableJson> = {};
    for (const t of found.report.tables) {
      assert.deepEqual([t.missing, t.extra, t.changed], await expectedCounts(database, t.table, keyColumns[t.table] ?? 1), `${database}.${t.table}`);
      reports[t.table] = t;
    }
    const synced = await scsc('sync', database);
    assert.equal(synced.code, 0, JSON.stringify(synced.report.tables));
    for (const t of synced.report.tables) assert.deepEqual(await expectedCounts(database, t.table, keyColumns[t.table] ?? 1), [0, 0, 0], `${database}.${t.table} after sync`);
    const again = await scsc('reconcile', database);
    assert.equal(again.code, 0, JSON.stringify(again.report.tables));
    return reports;
  };

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scsc-cost-'));
  });
  after(async () => {
    if (cwd !== '') await rm(cwd, { recursive: true, force: true });
  });

  it('dense drift (about a quarter of the rows) is compared row by row and every difference found', async () => {
    await plant('c_dense', `CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), c DOUBLE);
      INSERT INTO t SELECT seq, seq % 1000, MD5(seq), seq / 7 FROM seq_1_to_100000;`,
    `DELETE FROM t WHERE id % 10 = 1; UPDATE t SET b = NULL WHERE id % 10 = 2; UPDATE t SET c = c + 1e-9 WHERE id % 20 = 3;
      INSERT INTO t SELECT seq, 0, 'extra', 0 FROM seq_100001_to_105000;`);
    const { t } = await findAndRepair('c_dense');
    assert.ok((t?.chunksRowByRow ?? 0) >= 2, `chunks compared row by row: ${t?.chunksRowByRow} of ${t?.chunks}`);
  });

  it('drift of about 1% in every chunk: once a chunk differed, the next ones are compared as digest lists', async () => {
    await plant('c_percent', `CREATE TABLE t (id BIGINT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40));
      INSERT INTO t SELECT seq, seq % 1000, MD5(seq) FROM seq_1_to_100000;`,
    `UPDATE t SET a = a + 1 WHERE id % 150 = 0; DELETE FROM t WHERE id % 211 = 3; INSERT INTO t SELECT seq, 0, 'extra' FROM seq_100001_to_100400;`);
    // One answer a list: the servers send a few rows per chunk, not one per table row.
    const sentBefore = await rowsSent(servers.target);
    assert.equal((await scsc('reconcile', 'c_percent')).code, 1);
    const sent = (await rowsSent(servers.target)) - sentBefore;
    assert.ok(sent < 10_000, `the target sent ${sent} rows for 100,400`);
    const { t } = await findAndRepair('c_percent');
    assert.ok((t?.chunks ?? 0) >= 4, `chunks: ${t?.chunks}`);
    // The chunks compared first (two at once) are hashed whole, then in buckets.
    assert.ok((t?.chunksRowByRow ?? 0) >= (t?.chunks ?? 0) - 2, `chunks compared row by row: ${t?.chunksRowByRow} of ${t?.chunks}`);
  });

  it('drift of about 1% under a text key: once a chunk differed, the next ones are compared row by row, not bisected', async () => {
    await plant('c_percent_text', `CREATE TABLE t (id CHAR(32) PRIMARY KEY, a INT NOT NULL);
      INSERT INTO t SELECT MD5(seq), seq FROM seq_1_to_100000;`,
    `UPDATE t SET a = -a WHERE a % 150 = 0; DELETE FROM t WHERE a % 211 = 3; INSERT INTO t SELECT CONCAT('x', seq), 0 FROM seq_1_to_400;`);
    const { t } = await findAndRepair('c_percent_text');
    assert.ok((t?.chunks ?? 0) >= 4, `chunks: ${t?.chunks}`);
    assert.ok((t?.chunksRowByRow ?? 0) >= (t?.chunks ?? 0) - 2, `chunks compared row by row: ${t?.chunksRowByRow} of ${t?.chunks}`);
  });

  it('sparse drift is found in buckets: the rows compared follow the differences, not the table', async () => {
    await plant('c_sparse', `CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(20));
      INSERT INTO t SELECT seq * 3, CONCAT('v', seq) FROM seq_1_to_120000;`,
    `UPDATE t SET v = 'changed' WHERE id % 901 = 0; DELETE FROM t WHERE id % 1201 = 0; INSERT INTO t VALUES (1000, 'x'), (200000, 'y'), (400000, 'z');`);
    const { t } = await findAndRepair('c_sparse');
    const differences = (t?.missing ?? 0) + (t?.extra ?? 0) + (t?.changed ?? 0);
    assert.ok(differences >= 40, `${differences} differences planted`);
    assert.equal(t?.chunksRowByRow, 0);
    assert.ok((t?.rowsCompared ?? Infinity) <= 20 * differences, `rowsCompared ${t?.rowsCompared} for ${differences} differences in 120000 rows`);
  });

  it('drift dense in one region and absent elsewhere is found exactly', async () => {
    await plant('c_region', `CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL);
      INSERT INTO t SELECT seq, seq FROM seq_1_to_150000;`,
    `UPDATE t SET v = -v WHERE id BETWEEN 20000 AND 45000 AND id % 3 = 0; DELETE FROM t WHERE id BETWEEN 20000 AND 45000 AND id % 3 = 1;
      UPDATE t SET v = 0 WHERE id IN (90000, 149999); DELETE FROM t WHERE id = 120000;`);
    await findAndRepair('c_region');
  });

  it('integer keys at the ends of their types, negative keys and far-apart key clusters', async () => {
    await plant('c_edges', `CREATE TABLE sb (k BIGINT NOT NULL PRIMARY KEY, v INT);
      INSERT INTO sb VALUES ${['-9223372036854775808', '-9223372036854775807', '-4611686018427387904', '-1', '0', '1', '4611686018427387904', '9223372036854775806', '9223372036854775807'].map((k) => `(${k}, 1)`).join(', ')};
      INSERT INTO sb SELECT CAST(seq AS SIGNED) - 3000, seq FROM seq_1_to_6000 WHERE seq NOT IN (2999, 3000, 3001);
      INSERT INTO sb SELECT -9223372036854775807 + CAST(seq AS SIGNED), seq FROM seq_1_to_3000;
      CREATE TABLE ub (k BIGINT UNSIGNED NOT NULL PRIMARY KEY, v INT);
      INSERT INTO ub VALUES ${['0', '1', '9223372036854775807', '9223372036854775808', '18446744073709551614', '18446744073709551615'].map((k) => `(${k}, 1)`).join(', ')};
      INSERT INTO ub SELECT 18446744073709551613 - seq, seq FROM seq_1_to_5000;
      INSERT INTO ub SELECT 1000000000000000 + seq * 1000, seq FROM seq_1_to_5000;
      CREATE TABLE ti (k TINYINT NOT NULL PRIMARY KEY, v INT);
      INSERT INTO ti SELECT CAST(seq AS SIGNED) - 128, seq FROM seq_0_to_255;
      CREATE TABLE zf (k INT(8) UNSIGNED ZEROFILL NOT NULL PRIMARY KEY, v INT);
      INSERT INTO zf SELECT seq, seq FROM seq_1_to_3000;`,
    `DELETE FROM sb WHERE k IN (-9223372036854775808, 9223372036854775807, 0) OR k % 97 = 5;
      UPDATE sb SET v = -7 WHERE k IN (-9223372036854775807, -1, 1, 4611686018427387904) OR k % 89 = 3;
      INSERT INTO sb VALUES (-9223372036854770000, 0), (-3001, 0), (3001, 0), (9223372036854775000, 0);
      DELETE FROM ub WHERE k IN (0, 18446744073709551615) OR k % 101 = 7;
      UPDATE ub SET v = -7 WHERE k IN (9223372036854775807, 9223372036854775808, 18446744073709551614) OR k % 103 = 9;
      INSERT INTO ub VALUES (2, 0), (9223372036854775809, 0), (18446744073709500000, 0);
      DELETE FROM ti WHERE k IN (-128, 127, 0); UPDATE ti SET v = 0 WHERE k IN (-127, -1, 1, 126);
      DELETE FROM zf WHERE k % 50 = 0; UPDATE zf SET v = 0 WHERE k % 70 = 1;`);
    await findAndRepair('c_edges');
  });

  it('composite keys with dense drift are bisected, then compared row by row', async () => {
    await plant('c_composite', `CREATE TABLE t (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b));
      INSERT INTO t SELECT seq DIV 4, CONCAT('b', seq % 4), seq FROM seq_0_to_59999;`,
    `DELETE FROM t WHERE (a * 4 + SUBSTR(b, 2)) % 7 = 1; UPDATE t SET v = -v WHERE (a * 4 + SUBSTR(b, 2)) % 5 = 2;
      INSERT INTO t SELECT seq, 'zz', 0 FROM seq_0_to_14999 WHERE seq % 3 = 0;`);
    await findAndRepair('c_composite', { t: 2 });
  });

  it('rows only the target holds, crowded between two source keys, are walked in chunks of the target keys', async () => {
    // Chunks end every 20,000 source keys; 100,000 target-only keys sit inside the first chunk and
    // 100,000 past the source's last key, in the open-ended last chunk.
    await plant('c_crowded', `CREATE TABLE t (k VARCHAR(12) NOT NULL PRIMARY KEY, v INT NOT NULL);
      INSERT INTO t SELECT CONCAT('a', LPAD(seq, 6, '0')), seq FROM seq_1_to_15000;
      INSERT INTO t SELECT CONCAT('c', LPAD(seq, 6, '0')), seq FROM seq_1_to_15000;`,
    `INSERT INTO t SELECT CONCAT('b', LPAD(seq, 6, '0')), seq FROM seq_1_to_100000;
      INSERT INTO t SELECT CONCAT('z', LPAD(seq, 6, '0')), seq FROM seq_1_to_100000;
      UPDATE t SET v = -v WHERE k IN ('a000007', 'c014999'); DELETE FROM t WHERE k = 'c000500';`);
    const { t } = await findAndRepair('c_crowded');
    // Walked by source keys alone the table is two chunks, each holding over 100,000 target rows.
    assert.ok((t?.chunks ?? 0) >= 230_000 / 20_000, `${t?.chunks} chunks for 230,000 target rows`);
  });
});
