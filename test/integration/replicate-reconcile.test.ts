import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/* --reconcile-every: drift planted on the target is found beside the live stream, and repaired with --repair. */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {} });

describe('scsc replicate --reconcile-every', { skip: servers.skip }, () => {
  it('reports drift the stream cannot explain, and repairs it with --repair', async () => {
    const schema = 'CREATE DATABASE rc; USE rc; CREATE TABLE r (id INT PRIMARY KEY, v INT NOT NULL); CREATE TABLE quiet (id INT PRIMARY KEY)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    await servers.source.sql('INSERT INTO r SELECT seq, seq FROM seq_1_to_500; INSERT INTO quiet VALUES (1)', 'rc');
    const args = ['replicate', '--source', servers.source.url('rc'), '--target', servers.target.url('rc'), '--reconcile-every', '1s', '--log-level', 'info'];
    const source = { server: servers.source, database: 'rc' };
    const target = { server: servers.target, database: 'rc' };

    const watching = startCli(args);
    try {
      await waitForOutput(watching, 'streaming from the source binlog');
      await waitForTablesEqual(source, target, ['r', 'quiet'], watching);
      await servers.target.sql('UPDATE r SET v = -1 WHERE id = 7; DELETE FROM r WHERE id IN (8, 9)', 'rc');
      await servers.source.sql('UPDATE r SET v = v + 1 WHERE id > 400', 'rc'); // live changes during the passes
      await waitForOutput(watching, /"table":"r","missing":2,"extra":0,"changed":1,"repaired":false.*drift found/);
      assert.doesNotMatch(watching.output(), /"table":"quiet"[^\n]*drift found/);
    } finally {
      watching.child.kill('SIGTERM');
    }
    assert.equal(await watching.exited, 0, watching.output().slice(-3000));
    const stillDrifted = await servers.target.sql('SELECT v FROM rc.r WHERE id = 7') as Array<{ v: number }>;
    assert.equal(stillDrifted[0]?.v, -1, 'without --repair the drift stays');

    const repairing = startCli([...args, '--repair']);
    try {
      await waitForOutput(repairing, /"table":"r","missing":2,"extra":0,"changed":1,"repaired":true.*drift found and repaired/);
      await waitForTablesEqual(source, target, ['r', 'quiet'], repairing);
    } finally {
      repairing.child.kill('SIGTERM');
    }
    assert.equal(await repairing.exited, 0, repairing.output().slice(-3000));
  });

  it('finds drift on an idle source whose binlog ends in events that end no transaction (after FLUSH BINARY LOGS)', { timeout: 90_000 }, async () => {
    // The pass waits for the stream to pass the source's binlog end before a difference counts; with
    // no commit after the rotation, only the server's heartbeat shows that everything was read.
    const schema = 'CREATE DATABASE rcidle; USE rcidle; CREATE TABLE r (id INT PRIMARY KEY, v INT NOT NULL)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    await servers.source.sql('INSERT INTO r SELECT seq, seq FROM seq_1_to_50', 'rcidle');
    const watching = startCli(['replicate', '--source', servers.source.url('rcidle'), '--target', servers.target.url('rcidle'), '--reconcile-every', '1s', '--log-level', 'info']);
    try {
      await waitForOutput(watching, 'streaming from the source binlog');
      await waitForTablesEqual({ server: servers.source, database: 'rcidle' }, { server: servers.target, database: 'rcidle' }, ['r'], watching);
      await servers.source.sql('FLUSH BINARY LOGS');
      await servers.target.sql('DELETE FROM r WHERE id = 5', 'rcidle');
      await waitForOutput(watching, /"table":"r","missing":1,"extra":0,"changed":0,"repaired":false.*drift found/, 40_000);
    } finally {
      watching.child.kill('SIGTERM');
    }
    assert.equal(await watching.exited, 0, watching.output().slice(-3000));
  });

  it('still exits with the error when a batch fails permanently (the passes end with the run)', { timeout: 120_000 }, async () => {
    const schema = 'CREATE DATABASE rcfail; USE rcfail; CREATE TABLE f (id INT PRIMARY KEY, v INT NOT NULL)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const failing = startCli(['replicate', '--source', servers.source.url('rcfail'), '--target', servers.target.url('rcfail'), '--reconcile-every', '1h', '--log-level', 'info']);
    try {
      await waitForOutput(failing, 'streaming from the source binlog');
      await servers.target.sql('ALTER TABLE f ADD CONSTRAINT small CHECK (v < 100)', 'rcfail');
      await servers.source.sql('INSERT INTO f VALUES (1, 1000)', 'rcfail'); // the target refuses it, every time
      assert.equal(await failing.exited, 4, failing.output().slice(-3000));
    } finally {
      failing.child.kill('SIGKILL');
    }
    assert.match(failing.output(), /error APPLY_FAILED: .*CONSTRAINT .*small/);
  });
});
