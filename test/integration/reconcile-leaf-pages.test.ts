import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { introspectDatabase } from '../../src/mysql/schema-introspector.js';
import { readServerInfo } from '../../src/mysql/server-info.js';
import { GROUP_CONCAT_BYTES, openSessionPool } from '../../src/mysql/session-pool.js';
import { rowHashForm } from '../../src/reconcile/canonical-row-sql.js';
import type { RowDifferences } from '../../src/reconcile/diff-result.js';
import { compareDigestLists, compareRowsInKeyOrder } from '../../src/reconcile/leaf-compare.js';
import { makeTableSide, type TableSide } from '../../src/reconcile/table-side.js';
import { mariaDbServersForTests } from '../env/mariadb.js';

/*
 * The row-by-row merge of integer keys reads both servers page by page: whatever the page size, and
 * wherever the differences fall against the pages' ends (the first or last row of a page, a side
 * running out first, keys past the other side's last one), it must find exactly the differences.
 * Read as one digest list a side, the same rows give the same differences, in whatever order a
 * server lists them; a list too long for one answer is refused whole.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

// Rows of 7-digit keys whose digest list (25 bytes an entry) is cut by the sessions' limit inside its
// last entry, past every comma: the list still has one piece per row.
const CUT_ROWS = Math.floor((GROUP_CONCAT_BYTES + 1) / 25) + 1;

const SCHEMA = `CREATE TABLE t (k BIGINT NOT NULL PRIMARY KEY, v VARCHAR(10));
  INSERT INTO t SELECT CAST(seq AS SIGNED) * 2 - 60, CONCAT('v', seq) FROM seq_1_to_60;
  CREATE TABLE z (k INT(6) UNSIGNED ZEROFILL NOT NULL PRIMARY KEY, v INT);
  INSERT INTO z SELECT seq, seq FROM seq_1_to_40;
  CREATE TABLE o (k INT NOT NULL PRIMARY KEY, v INT NOT NULL, KEY by_v (v));
  INSERT INTO o SELECT seq, 1000 - seq FROM seq_1_to_50;
  CREATE TABLE big (k INT NOT NULL PRIMARY KEY, v INT NOT NULL);
  INSERT INTO big SELECT seq + 999999, seq FROM seq_1_to_${CUT_ROWS};`;
const DRIFT = `DELETE FROM t WHERE k IN (-58, -56, 0, 2, 60); UPDATE t SET v = 'x' WHERE k IN (-54, -2, 4, 58);
  INSERT INTO t VALUES (-1000, 'lo'), (-57, 'odd'), (1, 'odd'), (61, 'hi'), (62, 'hi'), (1000, 'hi');
  DELETE FROM z WHERE k IN (1, 20, 40); UPDATE z SET v = 0 WHERE k IN (2, 21, 39); INSERT INTO z VALUES (41, 0), (100, 0);
  DELETE FROM o WHERE k IN (1, 25); UPDATE o SET v = 2000 WHERE k = 50; INSERT INTO o VALUES (51, 5);
  UPDATE big SET v = 0 WHERE k = ${999_999 + CUT_ROWS};`;

const EXPECTED: Record<string, { missing: string[]; extra: string[]; changed: string[] }> = {
  t: { missing: ['-58', '-56', '0', '2', '60'], extra: ['-1000', '-57', '1', '61', '62', '1000'], changed: ['-54', '-2', '4', '58'] },
  z: { missing: ['1', '20', '40'], extra: ['41', '100'], changed: ['2', '21', '39'] },
};
const ROWS: Record<string, [number, number]> = { t: [60, 61], z: [40, 39] };

const values = (keys: unknown[][]): string[] => keys.map((k) => String(BigInt(String(k[0])))).sort((a, b) => Number(a) - Number(b));

describe('row-by-row merge of integer keys in pages', { skip: servers.skip }, () => {
  const pools: Pool[] = [];
  const sides: Record<string, [TableSide, TableSide]> = {};

  before(async () => {
    await servers.source.sql(`CREATE DATABASE pages; USE pages; ${SCHEMA}`);
    await servers.target.sql(`CREATE DATABASE pages; USE pages; ${SCHEMA}\n${DRIFT}`);
    const open = async (role: 'source' | 'target'): Promise<{ pool: Pool; side: (table: string) => TableSide }> => {
      const server = role === 'source' ? servers.source : servers.target;
      const pool = await openSessionPool(parseDatabaseUrl(server.url('pages'), role), { role, connections: 2 });
      pools.push(pool);
      const [info, tables] = await Promise.all([readServerInfo(pool), introspectDatabase(pool, 'pages')]);
      return {
        pool,
        side: (table) => {
          const schema = tables.find((s) => s.name === table);
          assert.ok(schema !== undefined);
          return makeTableSide(role, pool, info, schema, schema.columns.map((c) => c.name), ['k'], rowHashForm(info, info));
        },
      };
    };
    const [source, target] = await Promise.all([open('source'), open('target')]);
    for (const table of [...Object.keys(EXPECTED), 'o', 'big']) sides[table] = [source.side(table), target.side(table)];
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });

  for (const pageRows of [1, 2, 3, 7, 29, 30, 31, 1000]) {
    it(`finds every difference with pages of ${pageRows} rows`, async () => {
      for (const [table, expected] of Object.entries(EXPECTED)) {
        const [source, target] = sides[table] as [TableSide, TableSide];
        const found: RowDifferences = { missing: [], extra: [], changed: [] };
        const counts = await compareRowsInKeyOrder(source, target, () => '1=1', found, pageRows);
        assert.deepEqual({ missing: values(found.missing), extra: values(found.extra), changed: values(found.changed) }, expected, `${table}, pages of ${pageRows}`);
        const [sourceRows, targetRows] = ROWS[table] as [number, number];
        assert.deepEqual(counts, { sourceRows, targetRows });
      }
    });
  }

  it('finds every difference from one digest list a side', async () => {
    for (const [table, expected] of Object.entries(EXPECTED)) {
      const [source, target] = sides[table] as [TableSide, TableSide];
      const found: RowDifferences = { missing: [], extra: [], changed: [] };
      const counts = await compareDigestLists(source, target, () => '1=1', found);
      assert.deepEqual({ missing: values(found.missing), extra: values(found.extra), changed: values(found.changed) }, expected, table);
      const [sourceRows, targetRows] = ROWS[table] as [number, number];
      assert.deepEqual(counts, { sourceRows, targetRows });
    }
  });

  it('finds every difference when a server lists the rows out of key order', async () => {
    const [source, target] = sides.o as [TableSide, TableSide];
    // The covering index on v, whose order is the reverse of the key's, is what the server reads.
    const [plan] = (await servers.target.sql(`EXPLAIN SELECT COUNT(*), GROUP_CONCAT(${target.sql.keyList}, ' ', ${target.sql.rowDigest}) FROM ${target.from}`)) as Array<{ key: string | null }>;
    assert.equal(plan?.key, 'by_v');
    const found: RowDifferences = { missing: [], extra: [], changed: [] };
    const counts = await compareDigestLists(source, target, () => '1=1', found);
    assert.deepEqual({ missing: values(found.missing), extra: values(found.extra), changed: values(found.changed) }, { missing: ['1', '25'], extra: ['51'], changed: ['50'] });
    assert.deepEqual(counts, { sourceRows: 50, targetRows: 49 });
  });

  it('refuses a digest list cut inside its last entry, and the pages still compare those rows', async () => {
    const [source, target] = sides.big as [TableSide, TableSide];
    const last = String(999_999 + CUT_ROWS);
    const length = 25 * CUT_ROWS - 1;
    assert.ok(length > GROUP_CONCAT_BYTES && length - GROUP_CONCAT_BYTES < 25, `the list is ${length} bytes`);
    const found: RowDifferences = { missing: [], extra: [], changed: [] };
    const aim = { rows: 1_000_000 };
    assert.equal(await compareDigestLists(source, target, () => '1=1', found, aim), undefined);
    assert.deepEqual(found, { missing: [], extra: [], changed: [] });
    assert.equal(aim.rows, Math.floor(GROUP_CONCAT_BYTES / 38));
    const counts = await compareRowsInKeyOrder(source, target, () => '1=1', found);
    assert.deepEqual({ counts, ...found }, { counts: { sourceRows: CUT_ROWS, targetRows: CUT_ROWS }, missing: [], extra: [], changed: [[last]] });
  });
});
