import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli, type RunningCli } from '../env/run-cli.js';

/* XA transactions: the source logs their rows at XA PREPARE and decides them later in a group of their own. */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {} });

describe('scsc replicate: XA transactions', { skip: servers.skip }, () => {
  it('applies a prepared XA transaction only at its XA COMMIT, never one rolled back, and keeps an undecided one across a restart', { timeout: 120_000 }, async () => {
    await servers.source.sql('CREATE DATABASE xa; CREATE TABLE xa.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO xa.t VALUES (100, 0), (101, 0)');
    await servers.target.sql('CREATE DATABASE xa');
    const connect = (server: typeof servers.source): Promise<mysql.Connection> => mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: 'xa' });
    const replicate = (): RunningCli => startCli(['replicate', '--source', servers.source.url('xa'), '--target', servers.target.url('xa'), '--log-level', 'info']);
    const reader = await connect(servers.target);
    const targetIds = async (): Promise<number[]> => {
      const [rows] = await reader.query<mysql.RowDataPacket[]>('SELECT id FROM t ORDER BY id');
      return rows.map((r) => Number(r.id));
    };
    /** Commits a marker row on the source and waits until the target has it: everything before it was read. */
    const marker = async (id: number, cli: RunningCli): Promise<void> => {
      await servers.source.sql(`INSERT INTO t VALUES (${id}, 0)`, 'xa');
      const until = Date.now() + 30_000;
      while (!(await targetIds()).includes(id)) {
        assert.ok(Date.now() < until && cli.child.exitCode === null, `marker ${id} not replicated:\n${cli.output().slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const prepare = async (xid: string, statements: string[]): Promise<mysql.Connection> => {
      const session = await connect(servers.source);
      await session.query(`XA START '${xid}'`);
      for (const sql of statements) await session.query(sql);
      await session.query(`XA END '${xid}'`);
      await session.query(`XA PREPARE '${xid}'`);
      return session;
    };

    let cli = replicate();
    const sessions: mysql.Connection[] = [];
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      // An insert and an update first: zongji reads the first row event of each kind, scsc's reader
      // the XA transactions' (their full images stay packed while held).
      await marker(9, cli);
      await servers.source.sql('UPDATE t SET v = 9 WHERE id = 9', 'xa');
      const one = await prepare('one', ['INSERT INTO t VALUES (1, 1)', 'UPDATE t SET v = 1 WHERE id = 100']);
      sessions.push(one);
      await marker(10, cli);
      assert.deepEqual(await targetIds(), [9, 10, 100, 101], 'the rows of a prepared, undecided XA transaction reached the target');
      await one.query("XA COMMIT 'one'");

      const two = await prepare('two', ['INSERT INTO t VALUES (2, 2)', 'DELETE FROM t WHERE id = 101']);
      sessions.push(two);
      await two.query("XA ROLLBACK 'two'");

      const three = await prepare('three', ['INSERT INTO t VALUES (3, 3)', 'INSERT INTO t VALUES (4, 4)']);
      await marker(11, cli);
      await three.end(); // the prepared transaction outlives its session (MariaDB >= 10.5) and waits for a decision
      assert.deepEqual(await targetIds(), [1, 9, 10, 11, 100, 101]);

      cli.child.kill('SIGTERM');
      assert.equal(await cli.exited, 0, cli.output().slice(-3000));
      await servers.source.sql("XA COMMIT 'three'", 'xa');
      cli = replicate();
      await marker(12, cli);
      await waitForTablesEqual({ server: servers.source, database: 'xa' }, { server: servers.target, database: 'xa' }, ['t'], cli, 30_000);
      assert.deepEqual(await targetIds(), [1, 3, 4, 9, 10, 11, 12, 100, 101]);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await Promise.all([...sessions.map((s) => s.end().catch(() => undefined)), reader.end()]);
    }
  });

  it('warns when an XA transaction prepared before the first start commits later: its rows are in neither the snapshot nor the stream', { timeout: 60_000 }, async () => {
    await servers.source.sql('CREATE DATABASE xa0; CREATE TABLE xa0.t (id INT PRIMARY KEY); INSERT INTO xa0.t VALUES (100)');
    await servers.target.sql('CREATE DATABASE xa0');
    const session = await mysql.createConnection({ host: servers.source.host, port: servers.source.port, user: 'root', database: 'xa0' });
    await session.query("XA START 'zero'");
    await session.query('INSERT INTO t VALUES (1)');
    await session.query("XA END 'zero'");
    await session.query("XA PREPARE 'zero'");
    const cli = startCli(['replicate', '--source', servers.source.url('xa0'), '--target', servers.target.url('xa0'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      assert.match(cli.output(), /XA transactions are prepared on the source and not yet committed/);
      await session.query("XA COMMIT 'zero'");
      await waitForOutput(cli, "XA COMMIT of a transaction whose prepare this run did not read", 30_000);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await session.end();
    }
  });
});
