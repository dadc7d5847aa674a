import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/*
 * A permanent error in one lane while another lane's batch keeps failing with transient errors: the
 * stream fails only once batches in flight have settled (so the stream lock outlives every write),
 * and the retrying lane must then stop retrying, or scsc would never exit. A stop (SIGINT) while a
 * batch waits to be retried cuts the wait short: one last attempt at once, then scsc exits.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {} });

describe('scsc replicate with a lane retrying', { skip: servers.skip }, () => {
  it('exits with the permanent error once the retrying lane gives up, instead of retrying for ever', { timeout: 90_000 }, async () => {
    await servers.source.sql('CREATE DATABASE lf; USE lf; CREATE TABLE a (id INT PRIMARY KEY, v INT NOT NULL); CREATE TABLE b (id INT PRIMARY KEY, v INT NOT NULL)');
    // On the target `a.v` is too narrow for 1000 (STRICT_ALL_TABLES: a permanent error).
    await servers.target.sql('CREATE DATABASE lf; USE lf; CREATE TABLE a (id INT PRIMARY KEY, v TINYINT NOT NULL); CREATE TABLE b (id INT PRIMARY KEY, v INT NOT NULL); SET GLOBAL innodb_lock_wait_timeout = 1');
    const holder = await mysql.createConnection({ host: servers.target.host, port: servers.target.port, user: 'root', database: 'lf' });
    const cli = startCli(['replicate', '--source', servers.source.url('lf'), '--target', servers.target.url('lf'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      // Lane b: its insert waits on this lock and times out (1205, transient) again and again.
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM b WHERE id = 1 FOR UPDATE');
      await servers.source.sql('INSERT INTO b VALUES (1, 1)', 'lf');
      await waitForOutput(cli, /target write failed; retrying/);
      // Lane a: a permanent error.
      await servers.source.sql('INSERT INTO a VALUES (1, 1000)', 'lf');
      const code = await Promise.race([cli.exited, delay(40_000, undefined, { ref: false })]);
      assert.equal(code, 4, `scsc should exit with the permanent error; output:\n${cli.output().slice(-3000)}`);
      assert.match(cli.output(), /error APPLY_FAILED: lane a: the target refused a batch: Out of range value/);
    } finally {
      cli.child.kill('SIGKILL');
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await servers.target.sql('SET GLOBAL innodb_lock_wait_timeout = 50');
    }
    const [rows] = (await servers.target.sql('SELECT COUNT(*) AS n FROM lf.b')) as Array<{ n: number }>;
    assert.equal(Number(rows?.n), 0, 'the batch that kept failing did not commit after the stream failed');
  });

  it('on SIGINT, retries a waiting batch at once and exits, instead of sleeping out the wait', { timeout: 90_000 }, async () => {
    await servers.source.sql('CREATE DATABASE ls; USE ls; CREATE TABLE b (id INT PRIMARY KEY, v INT NOT NULL)');
    await servers.target.sql('CREATE DATABASE ls; USE ls; CREATE TABLE b (id INT PRIMARY KEY, v INT NOT NULL); SET GLOBAL innodb_lock_wait_timeout = 1');
    const holder = await mysql.createConnection({ host: servers.target.host, port: servers.target.port, user: 'root', database: 'ls' });
    const cli = startCli(['replicate', '--source', servers.source.url('ls'), '--target', servers.target.url('ls'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM b WHERE id = 1 FOR UPDATE');
      await servers.source.sql('INSERT INTO b VALUES (1, 1)', 'ls');
      // The waits double from 200 ms: at 6.4 s the batch has failed six times.
      await waitForOutput(cli, /"waitMs":6400/, 40_000);
      cli.child.kill('SIGINT');
      await holder.query('ROLLBACK');
      const stopped = performance.now();
      const code = await Promise.race([cli.exited, delay(30_000, undefined, { ref: false })]);
      const seconds = (performance.now() - stopped) / 1000;
      assert.equal(code, 0, `scsc should stop cleanly; output:\n${cli.output().slice(-3000)}`);
      assert.ok(seconds < 4, `exited ${seconds.toFixed(1)} s after SIGINT, during a 6.4 s wait`);
    } finally {
      cli.child.kill('SIGKILL');
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await servers.target.sql('SET GLOBAL innodb_lock_wait_timeout = 50');
    }
    const [rows] = (await servers.target.sql('SELECT COUNT(*) AS n FROM ls.b')) as Array<{ n: number }>;
    assert.equal(Number(rows?.n), 1, 'the last attempt, after the stop, committed the batch');
  });
});
