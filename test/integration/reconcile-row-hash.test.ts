import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import type { TableSchema } from '../../src/core/table-schema.js';
import { introspectDatabase } from '../../src/mysql/schema-introspector.js';
import { readServerInfo, type ServerInfo } from '../../src/mysql/server-info.js';
import { openSessionPool } from '../../src/mysql/session-pool.js';
import { canonicalRowSql, rowHashForm, rowHashSql, type RowHashForm } from '../../src/reconcile/canonical-row-sql.js';
import { hashRange, sameHash } from '../../src/reconcile/range-hasher.js';
import { makeTableSide } from '../../src/reconcile/table-side.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';

/*
 * The chunk hash is the BIT_XOR of per-row hashes. With a hash linear in the row's bytes (a CRC of
 * the canonical row), two rows of one chunk changed by the same byte delta at the same offset cancel
 * out and the chunk looks equal. Both row hash forms (the CRC32/CRC32C of the SHA1 on MariaDB 10.8+
 * pairs, the CONV of the SHA1 elsewhere) must see that drift.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

// Keys of one width and values of one length: every canonical row has the same length.
const SCHEMA = `
  CREATE TABLE by_int (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL);
  INSERT INTO by_int SELECT seq, CONCAT('value-', seq) FROM seq_1000_to_2999;
  CREATE TABLE by_text (code VARCHAR(10) PRIMARY KEY, v VARCHAR(20) NOT NULL);
  INSERT INTO by_text SELECT CONCAT('k', seq), CONCAT('value-', seq) FROM seq_1000_to_2999;`;
// Two neighbouring rows get the same delta (XOR 0x02) on the same byte: 'value-' becomes 'vanue-'.
const flip = "v = CONCAT(LEFT(v, 2), CHAR(ASCII(SUBSTRING(v, 3, 1)) ^ 2 USING utf8mb4), SUBSTRING(v, 4))";
const DRIFT = `
  UPDATE by_int SET ${flip} WHERE id IN (1500, 1501);
  UPDATE by_text SET ${flip} WHERE code IN ('k1500', 'k1501');`;
const TABLES = ['by_int', 'by_text'];

interface Side {
  pool: Pool;
  info: ServerInfo;
  tables: TableSchema[];
}

describe('row hashes of a chunk', { skip: servers.skip }, () => {
  const sides: Side[] = [];

  before(async () => {
    await servers.source.sql(`CREATE DATABASE rowhash; USE rowhash; ${SCHEMA}`);
    await servers.target.sql(`CREATE DATABASE rowhash; USE rowhash; ${SCHEMA}\n${DRIFT}`);
    for (const role of ['source', 'target'] as const) {
      const server = role === 'source' ? servers.source : servers.target;
      const pool = await openSessionPool(parseDatabaseUrl(server.url('rowhash'), role), { role, connections: 2 });
      const [info, tables] = await Promise.all([readServerInfo(pool), introspectDatabase(pool, 'rowhash')]);
      sides.push({ pool, info, tables });
    }
  });
  after(async () => {
    await Promise.all(sides.map((side) => side.pool.end()));
  });

  const schemaOf = (side: Side, table: string): TableSchema => {
    const schema = side.tables.find((t) => t.name === table);
    assert.ok(schema !== undefined, table);
    return schema;
  };
  const [source, target] = [(): Side => sides[0] as Side, (): Side => sides[1] as Side];

  it('is planted so that a CRC of the row text cannot see it', async () => {
    for (const table of TABLES) {
      const linear = async (side: Side): Promise<unknown> => {
        const canonical = canonicalRowSql(schemaOf(side, table).columns, side.info.flavour);
        const [rows] = await side.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n, BIT_XOR(CRC32(${canonical}) << 32 | CRC32C(${canonical})) AS h FROM ${table}`);
        return rows[0];
      };
      assert.deepEqual(await linear(source()), await linear(target()), table);
    }
  });

  it('differs for the drifted chunk in both forms', async () => {
    for (const form of ['sha1-crc', 'sha1-conv'] as RowHashForm[]) {
      for (const table of TABLES) {
        const [onSource, onTarget] = await Promise.all([source(), target()].map((side, i) => {
          const schema = schemaOf(side, table);
          const names = schema.columns.map((c) => c.name);
          return hashRange(makeTableSide(i === 0 ? 'source' : 'target', side.pool, side.info, schema, names, [names[0] as string], form), {});
        }));
        assert.equal(onSource?.count, 2000);
        assert.ok(onSource !== undefined && onTarget !== undefined && !sameHash(onSource, onTarget), `${form}, ${table}`);
      }
    }
  });

  it('is CRC32 and CRC32C of the row\'s own SHA1, whatever the session held before', async () => {
    const side = source();
    const connection = await side.pool.getConnection();
    try {
      const { columns } = schemaOf(side, 'by_int');
      const canonical = canonicalRowSql(columns, side.info.flavour);
      const reference = `CRC32(SHA1(${canonical})) << 32 | CRC32C(SHA1(${canonical}))`;
      const fast = rowHashSql(columns, side.info.flavour, 'sha1-crc');
      await connection.query("SET @_scsc_h = 'left over'");
      const [perRow] = await connection.query<RowDataPacket[]>(`SELECT COUNT(*) AS n, SUM(NOT (${fast}) <=> (${reference})) AS wrong FROM by_int`);
      assert.deepEqual({ n: Number(perRow[0]?.n), wrong: Number(perRow[0]?.wrong) }, { n: 2000, wrong: 0 });
      const grouped = async (hash: string): Promise<string> => {
        const [rows] = await connection.query({ sql: `SELECT CONCAT_WS(' ', id >> 4, BIT_XOR(${hash})) FROM by_int GROUP BY id >> 4 ORDER BY NULL`, rowsAsArray: true });
        return (rows as Array<[string]>).map((row) => row[0]).sort().join('\n');
      };
      assert.equal(await grouped(fast), await grouped(reference));
    } finally {
      connection.release();
    }
  });

  it('scsc reconcile uses the CRC32/CRC32C form on a MariaDB 10.11 pair and finds both rows', async () => {
    assert.ok(source().info.flavour === 'mariadb' && source().info.major >= 10 && target().info.flavour === 'mariadb');
    assert.equal(rowHashForm(source().info, target().info), 'sha1-crc');
    await servers.source.sql("TRUNCATE mysql.general_log; SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = ON");
    let result;
    try {
      result = await runCli(['reconcile', '--source', servers.source.url('rowhash'), '--target', servers.target.url('rowhash'), '--json']);
    } finally {
      await servers.source.sql('SET GLOBAL general_log = OFF');
    }
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { tables: Array<{ table: string; missing: number; extra: number; changed: number }> };
    assert.deepEqual(report.tables.map((t) => [t.table, t.missing, t.extra, t.changed]).sort(), [['by_int', 0, 0, 2], ['by_text', 0, 0, 2]]);
    const logged = (await servers.source.sql("SELECT CONVERT(argument USING utf8mb4) AS q FROM mysql.general_log WHERE argument LIKE '%BIT_XOR(%'")) as Array<{ q: string }>;
    assert.ok(logged.length > 0, 'no chunk hash query reached the source');
    for (const { q } of logged) assert.match(q, /CRC32C\(@_scsc_h\)/);
  });
});
