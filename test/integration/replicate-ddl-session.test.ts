import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
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
  it('sql_mode, a latin1 client, time_zone and explicit_defaults_for_timestamp: the target table is defined as the source\'s, its rows alike', async () => {
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
      await waitForTablesEqual({ server: servers.source, database: 'dm' }, { server: servers.target, database: 'dm' }, ['t', 'u'], cli);
      for (const table of ['t', 'u']) assert.equal(await definition(servers.target, 'dm', table), await definition(servers.source, 'dm', table), `${table} as defined on the source`);
      assert.deepEqual(await rowsOf(servers.target, 'dm', 't'), await rowsOf(servers.source, 'dm', 't'));
      assert.deepEqual(await servers.target.sql("SELECT c, d, g, CAST(ts AS CHAR) AS ts FROM dm.t WHERE id = 1"), [{ c: 'été', d: 7, g: 'az', ts: '2019-12-31 19:00:00' }]);
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
});
