import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import type { ScscError } from '../../src/core/scsc-error.js';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { applySessionSettings } from '../../src/sink/apply-session-settings.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/*
 * A DDL statement means what its session's settings say: sql_mode (ANSI_QUOTES, PIPES_AS_CONCAT,
 * NO_BACKSLASH_ESCAPES), the client's character set, time_zone, explicit_defaults_for_timestamp.
 * The binlog records them with the statement; native replication runs it under them, and so must
 * scsc: the target's table must come out defined as the source's, and rows the DDL itself filled
 * (a new column's default) must hold the same values. The source logs NO_LOG metadata (MariaDB's
 * default), so the stream also has to find the tables these statements name.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'NO_LOG' }, target: {} });

/** Runs statements on the source in one session with these settings (and this client character set). */
async function onSourceSession(database: string, statements: readonly string[], charset = 'UTF8MB4_GENERAL_CI'): Promise<void> {
  const url = new URL(servers.source.url(database));
  const connection = await mysql.createConnection({ host: url.hostname, port: Number(url.port), user: 'root', database, charset });
  try {
    for (const sql of statements) await connection.query(sql);
  } finally {
    await connection.end();
  }
}

async function definition(server: MariaDbServer, database: string, table: string): Promise<string> {
  const rows = await server.sql(`SHOW CREATE TABLE \`${database}\`.\`${table}\``) as Array<Record<string, string>>;
  return (rows[0]?.['Create Table'] ?? '').replace(/ AUTO_INCREMENT=\d+/, '');
}

/** Every row as hex of its columns' utf8mb4 text: the same characters read the same on both sides. */
async function rowsOf(server: MariaDbServer, database: string, table: string): Promise<string[]> {
  const columns = await server.sql(`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${database}' AND TABLE_NAME = '${table}' ORDER BY ORDINAL_POSITION`) as Array<{ c: string }>;
  const pieces = columns.map(({ c }) => `IFNULL(HEX(CONVERT(\`${c}\` USING utf8mb4)), 'N')`).join(", ':', ");
  const rows = await server.sql(`SELECT CONCAT(${pieces}) AS r FROM \`${database}\`.\`${table}\``) as Array<{ r: string }>;
  return rows.map((row) => row.r).sort();
}

describe('scsc replicate runs DDL under the source session\'s settings', { skip: servers.skip }, () => {
  it('sql_mode, a latin1 client, time_zone, the start time and explicit_defaults_for_timestamp: the target table is defined as the source\'s, its rows alike', async () => {
    const schema = 'CREATE DATABASE dm; USE dm; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20)) DEFAULT CHARSET utf8mb4; INSERT INTO t VALUES (1, "a")';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = startCli(['replicate', '--source', servers.source.url('dm'), '--target', servers.target.url('dm'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      // Sent in latin1: a default the ALTER writes into the row that exists.
      await onSourceSession('dm', ["ALTER TABLE t ADD c VARCHAR(10) DEFAULT 'été'", "INSERT INTO t (id, v) VALUES (2, 'ß')"], 'LATIN1_SWEDISH_CI');
      await onSourceSession('dm', ["SET sql_mode = 'ANSI_QUOTES'", 'ALTER TABLE "t" ADD "d" INT DEFAULT 7', 'INSERT INTO t (id) VALUES (3)']);
      await onSourceSession('dm', ["SET sql_mode = 'PIPES_AS_CONCAT'", "ALTER TABLE t ADD g VARCHAR(40) AS (v || 'z')", "INSERT INTO t (id, v) VALUES (4, 'q')"]);
      await onSourceSession('dm', ["SET time_zone = '+05:00'", "ALTER TABLE t ADD ts TIMESTAMP NULL DEFAULT '2020-01-01 00:00:00'", 'INSERT INTO t (id) VALUES (5)']);
      await onSourceSession('dm', ["SET sql_mode = 'NO_BACKSLASH_ESCAPES'", "ALTER TABLE t COMMENT 'C:\\new', ALTER v SET DEFAULT 'a\\'", 'INSERT INTO t (id) VALUES (6)']);
      await onSourceSession('dm', ['SET explicit_defaults_for_timestamp = 0', 'CREATE TABLE u (id INT PRIMARY KEY, a TIMESTAMP, b TIMESTAMP)', 'INSERT INTO u (id) VALUES (1)']);
      // The ALTER's own NOW() fills the rows there are; scsc runs it later.
      await onSourceSession('dm', ['ALTER TABLE t ADD added DATETIME(6) NOT NULL DEFAULT NOW(6)', 'INSERT INTO t (id) VALUES (7)']);
      await waitForTablesEqual({ server: servers.source, database: 'dm' }, { server: servers.target, database: 'dm' }, ['t', 'u'], cli);
      for (const table of ['t', 'u']) assert.equal(await definition(servers.target, 'dm', table), await definition(servers.source, 'dm', table), `${table} as defined on the source`);
      assert.deepEqual(await rowsOf(servers.target, 'dm', 't'), await rowsOf(servers.source, 'dm', 't'));
      assert.deepEqual(await servers.target.sql('SELECT c, d, g, UNIX_TIMESTAMP(ts) AS ts FROM dm.t WHERE id = 1'), [{ c: 'été', d: 7, g: 'az', ts: '1577818800' }]);
      assert.doesNotMatch(cli.output(), /"level":[45]0/, 'no warning or error');
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('ANSI_QUOTES: a DDL naming the source database in double quotes reaches the target database of another name', async () => {
    await servers.source.sql('CREATE DATABASE dq; CREATE TABLE dq.t (id INT PRIMARY KEY)');
    await servers.target.sql('CREATE DATABASE dq2; CREATE TABLE dq2.t (id INT PRIMARY KEY)');
    const cli = startCli(['replicate', '--source', servers.source.url('dq'), '--target', servers.target.url('dq2'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await onSourceSession('dq', ["SET sql_mode = 'ANSI_QUOTES'", 'ALTER TABLE "dq"."t" ADD "x" INT', 'INSERT INTO t VALUES (1, 2)']);
      await waitForTablesEqual({ server: servers.source, database: 'dq' }, { server: servers.target, database: 'dq2' }, ['t'], cli);
      assert.deepEqual(await servers.target.sql('SELECT id, x FROM dq2.t'), [{ id: 1, x: 2 }]);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('a target that refuses a setting: the next form, else left out and named; a required one refused stops with the setting and a fix', async () => {
    const pool = mysql.createPool({ host: '127.0.0.1', port: servers.target.port, user: 'root' });
    const connection = await pool.getConnection();
    try {
      const left = await applySessionSettings(connection, [
        { variable: 'sql_mode', forms: [`sql_mode = ${1n << 40n}`, "sql_mode = 'ANSI_QUOTES'"], dropped: ['EMPTY_STRING_IS_NULL'] },
        { variable: 'collation_connection', forms: ['collation_connection = 40000'] },
        { variable: 'timestamp', forms: ['timestamp = 1700000000.25'] },
      ]);
      assert.deepEqual(left, ['sql_mode EMPTY_STRING_IS_NULL', 'collation_connection']);
      assert.deepEqual(await connection.query('SELECT @@sql_mode AS mode, UNIX_TIMESTAMP(NOW(2)) AS now').then(([rows]) => rows), [{ mode: 'ANSI_QUOTES', now: '1700000000.25' }]);
      await assert.rejects(applySessionSettings(connection, [{ variable: 'time_zone', forms: ["time_zone = 'Nowhere/Atlantis'"], required: true }]), (error: ScscError) => {
        assert.equal(error.code, 'APPLY_FAILED');
        assert.match(error.message, /SET SESSION time_zone = 'Nowhere\/Atlantis'/);
        assert.match(error.fix ?? '', /time zone tables/);
        return true;
      });
    } finally {
      connection.release();
      await pool.end();
    }
  });

  it('ALTER DATABASE reaches the target database (a table created after it alike); DROP DATABASE drops the replicated tables there, scsc\'s stay; --ddl stop stops at it', async () => {
    await servers.source.sql('CREATE DATABASE da DEFAULT CHARSET utf8mb4; CREATE TABLE da.t (id INT PRIMARY KEY); CREATE TABLE da.skip (id INT PRIMARY KEY)');
    await servers.target.sql('CREATE DATABASE da2 DEFAULT CHARSET utf8mb4; CREATE TABLE da2.t (id INT PRIMARY KEY); CREATE TABLE da2.mine (id INT PRIMARY KEY)');
    const cli = startCli(['replicate', '--source', servers.source.url('da'), '--target', servers.target.url('da2'), '--exclude', 'skip', '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql('ALTER DATABASE da CHARACTER SET latin1; CREATE TABLE da.u (id INT PRIMARY KEY, s VARCHAR(10)); INSERT INTO da.u VALUES (1, "x")');
      await waitForTablesEqual({ server: servers.source, database: 'da' }, { server: servers.target, database: 'da2' }, ['u'], cli);
      assert.equal(await definition(servers.target, 'da2', 'u'), await definition(servers.source, 'da', 'u'));
      assert.match(await definition(servers.target, 'da2', 'u'), /CHARSET=latin1/);
      await servers.source.sql('DROP DATABASE da');
      await waitForOutput(cli, /"sql":"DROP TABLE IF EXISTS `t`, `u`".*"msg":"DDL in the stream"/);
      const tables = async (): Promise<string[]> => (await servers.target.sql('SHOW TABLES FROM da2') as Array<Record<string, string>>).map((row) => Object.values(row)[0] ?? '').sort();
      for (let tries = 0; (await tables()).includes('u') && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(await tables(), ['_scsc_checkpoint', '_scsc_ddl', '_scsc_definitions', 'mine']);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));

    await servers.source.sql('CREATE DATABASE ds; CREATE TABLE ds.t (id INT PRIMARY KEY)');
    await servers.target.sql('CREATE DATABASE ds; CREATE TABLE ds.t (id INT PRIMARY KEY)');
    const stopping = startCli(['replicate', '--source', servers.source.url('ds'), '--target', servers.target.url('ds'), '--ddl', 'stop', '--log-level', 'info']);
    await waitForOutput(stopping, 'streaming from the source binlog');
    await servers.source.sql('INSERT INTO ds.t VALUES (1); DROP DATABASE ds');
    const stopped = await Promise.race([stopping.exited, delay(60_000).then(() => undefined)]);
    if (stopped === undefined) stopping.child.kill('SIGKILL');
    assert.equal(stopped, 4, stopping.output().slice(0, 3000));
    assert.match(stopping.output(), /error DDL_STOPPED: DDL on t at binlog\.\d+:\d+ with --ddl stop: DROP TABLE IF EXISTS `t`/);
    assert.deepEqual(await servers.target.sql('SELECT id FROM ds.t'), [{ id: 1 }]);
  });
});
