import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput } from '../env/replication-wait.js';
import { startCli, type RunningCli } from '../env/run-cli.js';

/*
 * Text in a character set other than utf8 travels through the binlog as its stored bytes. It must
 * arrive as the same characters whatever the target column's character set is, and rows logged
 * before an ALTER ... CONVERT TO CHARACTER SET and read after it (a restart, a backlog) must be read
 * in the character set they were stored in. Compared by reading both sides as utf8mb4 bytes.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, minimal: { binlogRowMetadata: 'MINIMAL' }, target: {} });

const replicate = (database: string, source = servers.source): RunningCli =>
  startCli(['replicate', '--source', source.url(database), '--target', servers.target.url(database), '--log-level', 'info']);

/** Every row as the utf8mb4 bytes of each column, in hex: the same characters read the same whatever the column's charset. */
async function charactersOf(server: MariaDbServer, database: string, columns: readonly string[]): Promise<string[]> {
  const pieces = columns.map((c) => `IFNULL(HEX(CONVERT(${c} USING utf8mb4)), 'N')`).join(", ':', ");
  const rows = (await server.sql(`SELECT CONCAT(${pieces}) AS r FROM ${database}.t`)) as Array<{ r: string }>;
  return rows.map((row) => row.r).sort();
}

async function waitForSameCharacters(database: string, columns: readonly string[], cli: RunningCli, from = servers.source): Promise<void> {
  const until = Date.now() + 60_000;
  let source: string[] = [];
  let target: string[] = [];
  while (Date.now() < until && cli.child.exitCode === null) {
    [source, target] = await Promise.all([charactersOf(from, database, columns), charactersOf(servers.target, database, columns)]);
    if (JSON.stringify(source) === JSON.stringify(target)) return;
    await delay(250);
  }
  assert.deepEqual(target, source, cli.output().slice(-3000));
}

async function stop(cli: RunningCli): Promise<void> {
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 0, cli.output().slice(-3000));
}

describe('scsc replicate: text in other character sets', { skip: servers.skip }, () => {
  it('latin1 text reaches a utf8mb4 target as the same characters', async () => {
    // n's collation is one MariaDB has and MySQL does not (id 1032): the binlog names it by that id.
    await servers.source.sql(`CREATE DATABASE cs1; USE cs1;
      CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), b TEXT, n VARCHAR(20) COLLATE latin1_swedish_nopad_ci) CHARACTER SET latin1`);
    await servers.target.sql('CREATE DATABASE cs1; USE cs1; CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), b TEXT, n VARCHAR(20)) CHARACTER SET utf8mb4');
    const cli = replicate('cs1');
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      // 'Ã©' is two latin1 characters whose bytes are the utf8 of 'é'; € is byte 0x80 in MySQL's latin1 (cp1252).
      await servers.source.sql(`SET NAMES utf8mb4;
        INSERT INTO t VALUES (1, 'Ã©', 'é€', 'cé'), (2, 'crème', NULL, NULL), (3, '€', 'brûlée', 'ñ');
        UPDATE t SET s = 'über', b = 'Ã¼', n = 'çà' WHERE id = 1; UPDATE t SET s = 'ß' WHERE id = 3; DELETE FROM t WHERE id = 2;`, 'cs1');
      await waitForSameCharacters('cs1', ['id', 's', 'b', 'n'], cli);
    } finally {
      await stop(cli);
    }
  });

  it('rows found by a latin1 key: updates, key changes and deletes', async () => {
    const schema = 'CREATE DATABASE cs2; USE cs2; CREATE TABLE t (k VARCHAR(20) PRIMARY KEY, s VARCHAR(20)) CHARACTER SET latin1';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = replicate('cs2');
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql(`SET NAMES utf8mb4;
        INSERT INTO t VALUES ('Ã©', '1'), ('naïve', '2'), ('€', '3'), ('x', '4');
        UPDATE t SET s = 'changed' WHERE k = 'Ã©'; UPDATE t SET k = 'ÿ' WHERE k = '€'; DELETE FROM t WHERE k = 'naïve';`, 'cs2');
      await waitForSameCharacters('cs2', ['k', 's'], cli);
      assert.equal((await charactersOf(servers.target, 'cs2', ['k'])).length, 3);
    } finally {
      await stop(cli);
    }
  });

  for (const [from, to, metadata] of [['latin1', 'utf8mb4', 'FULL'], ['utf8mb4', 'latin1', 'FULL'], ['latin1', 'utf8mb4', 'MINIMAL'], ['utf8mb4', 'latin1', 'MINIMAL']] as const) {
    it(`rows logged while a table was ${from} and read after it became ${to} keep their characters (binlog_row_metadata=${metadata})`, async () => {
      const source = metadata === 'FULL' ? servers.source : servers.minimal;
      const database = `cs_${from}_${metadata}`;
      const schema = `CREATE DATABASE ${database}; USE ${database}; CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20)) CHARACTER SET ${from}; INSERT INTO t VALUES (1, 'a')`;
      await source.sql(schema);
      await servers.target.sql(schema);
      const first = replicate(database, source);
      await waitForOutput(first, 'streaming from the source binlog');
      await stop(first);
      // Read after the ALTER: the backlog's first rows were stored in the old character set.
      await source.sql(`SET NAMES utf8mb4; INSERT INTO t VALUES (2, 'café'); UPDATE t SET s = 'naïve' WHERE id = 1;
        ALTER TABLE t CONVERT TO CHARACTER SET ${to}; INSERT INTO t VALUES (3, 'crème'); UPDATE t SET s = 'über' WHERE id = 2;`, database);
      const again = replicate(database, source);
      try {
        await waitForSameCharacters(database, ['id', 's'], again, source);
        const [create] = (await servers.target.sql(`SHOW CREATE TABLE ${database}.t`)) as Array<Record<string, string>>;
        assert.match(create?.['Create Table'] ?? '', new RegExp(`CHARSET=${to}`));
      } finally {
        await stop(again);
      }
    });
  }
});
