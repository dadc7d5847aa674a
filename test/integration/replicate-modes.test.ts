import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/* --consistency transaction keeps source transactions atomic on the target; a purged restart point. */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {} });

describe('scsc replicate --consistency transaction', { skip: servers.skip }, () => {
  it('never shows the target half of a source transaction that spans two tables', async () => {
    // Transfers move money between a row of `left` and a row of `right`: the total is 0 after every
    // source transaction, so a target read that sees another total saw half a transaction.
    const schema = 'CREATE DATABASE tx; USE tx; CREATE TABLE `left` (id INT PRIMARY KEY, amount BIGINT NOT NULL); CREATE TABLE `right` (id INT PRIMARY KEY, amount BIGINT NOT NULL)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    await servers.source.sql('INSERT INTO `left` SELECT seq, 0 FROM seq_1_to_50; INSERT INTO `right` SELECT seq, 0 FROM seq_1_to_50', 'tx');
    const cli = startCli(['replicate', '--source', servers.source.url('tx'), '--target', servers.target.url('tx'), '--consistency', 'transaction', '--log-level', 'info']);
    const writer = await mysql.createConnection({ host: servers.source.host, port: servers.source.port, user: 'root', database: 'tx' });
    const reader = await mysql.createConnection({ host: servers.target.host, port: servers.target.port, user: 'root', database: 'tx' });
    const totals = new Set<number>();
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      const until = Date.now() + 4000;
      let reads = 0;
      const writing = (async (): Promise<void> => {
        for (let i = 0; Date.now() < until; i++) {
          const amount = 1 + (i % 97);
          await writer.query('START TRANSACTION');
          await writer.query('UPDATE `left` SET amount = amount - ? WHERE id = ?', [amount, 1 + (i % 50)]);
          await writer.query('UPDATE `right` SET amount = amount + ? WHERE id = ?', [amount, 1 + ((i * 7) % 50)]);
          await writer.query('COMMIT');
        }
      })();
      while (Date.now() < until) {
        await reader.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
        const [rows] = await reader.query<mysql.RowDataPacket[]>('SELECT (SELECT SUM(amount) FROM `left`) + (SELECT SUM(amount) FROM `right`) AS total');
        await reader.query('COMMIT');
        totals.add(Number(rows[0]?.total));
        reads++;
        await delay(5);
      }
      await writing;
      assert.ok(reads > 50, `only ${reads} reads`);
      await waitForTablesEqual({ server: servers.source, database: 'tx' }, { server: servers.target, database: 'tx' }, ['left', 'right'], cli);
    } finally {
      cli.child.kill('SIGTERM');
      await Promise.all([writer.end(), reader.end()]);
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
    assert.deepEqual([...totals], [0], 'a target read saw a source transaction half applied');
  });

  it('applies a 200,000-row source transaction whole (once crashed with a stack overflow, then stalled scanning its queue)', { timeout: 180_000 }, async () => {
    const schema = 'CREATE DATABASE txbig; USE txbig; CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL); CREATE TABLE small (id INT PRIMARY KEY)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = startCli(['replicate', '--source', servers.source.url('txbig'), '--target', servers.target.url('txbig'), '--consistency', 'transaction', '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql(`START TRANSACTION; INSERT INTO big SELECT seq, CONCAT('v', seq) FROM seq_1_to_200000;
        UPDATE big SET v = CONCAT(v, '!') WHERE id % 2 = 0; INSERT INTO small VALUES (1); COMMIT;
        INSERT INTO small VALUES (2)`, 'txbig');
      await waitForTablesEqual({ server: servers.source, database: 'txbig' }, { server: servers.target, database: 'txbig' }, ['big', 'small'], cli, 150_000);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('writes no target transaction for source transactions of other databases (the restart point still moves past them)', { timeout: 60_000 }, async () => {
    const schema = 'CREATE DATABASE txq; USE txq; CREATE TABLE t (id INT PRIMARY KEY)';
    await servers.source.sql(`${schema}; CREATE DATABASE txother; CREATE TABLE txother.busy (id INT PRIMARY KEY)`);
    await servers.target.sql(schema);
    const cli = startCli(['replicate', '--source', servers.source.url('txq'), '--target', servers.target.url('txq'), '--consistency', 'transaction', '--log-level', 'info']);
    const writer = await mysql.createConnection({ host: servers.source.host, port: servers.source.port, user: 'root', database: 'txother' });
    const commits = async (): Promise<number> => Number(((await servers.target.sql("SHOW GLOBAL STATUS LIKE 'Com_commit'")) as Array<{ Value: string }>)[0]?.Value);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql('INSERT INTO t VALUES (1)', 'txq');
      await waitForTablesEqual({ server: servers.source, database: 'txq' }, { server: servers.target, database: 'txq' }, ['t'], cli);
      const before = await commits();
      const started = Date.now();
      for (let i = 0; i < 300; i++) await writer.query('INSERT INTO busy VALUES (?)', [i]);
      await delay(500);
      const during = (await commits()) - before;
      // Restart points are saved every 2 s (one commit each); 300 foreign transactions wrote 300 before.
      assert.ok(during <= 2 + 2 * Math.ceil((Date.now() - started) / 2000), `${during} target commits for 300 source transactions of another database`);
      const [head] = (await servers.source.sql('SHOW MASTER STATUS')) as Array<{ File: string; Position: number }>;
      await delay(2500);
      const [resume] = (await servers.target.sql("SELECT resume_file, resume_offset FROM txq._scsc_checkpoint WHERE lane = '*'")) as Array<{ resume_file: string; resume_offset: number }>;
      assert.ok(resume !== undefined && resume.resume_file === head?.File && Number(resume.resume_offset) >= Number(head.Position), `restart point ${JSON.stringify(resume)} is at the source head ${JSON.stringify(head)}`);
      await servers.source.sql('INSERT INTO t VALUES (2)', 'txq');
      await waitForTablesEqual({ server: servers.source, database: 'txq' }, { server: servers.target, database: 'txq' }, ['t'], cli);
    } finally {
      cli.child.kill('SIGTERM');
      await writer.end();
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('stops with TRANSACTION_TOO_LARGE, nothing of it applied, when a transaction outgrows --max-transaction-mib', { timeout: 60_000 }, async () => {
    const schema = 'CREATE DATABASE txcap; USE txcap; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100) NOT NULL)';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const cli = startCli(['replicate', '--source', servers.source.url('txcap'), '--target', servers.target.url('txcap'), '--consistency', 'transaction', '--max-transaction-mib', '1', '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await servers.source.sql(`INSERT INTO t VALUES (0, 'before')`, 'txcap');
      await waitForTablesEqual({ server: servers.source, database: 'txcap' }, { server: servers.target, database: 'txcap' }, ['t'], cli);
      // About 20,000 changes of some 350 bytes each: 7 MB held before the commit.
      await servers.source.sql(`START TRANSACTION; INSERT INTO t SELECT seq, REPEAT('x', 100) FROM seq_1_to_20000; COMMIT`, 'txcap');
      assert.equal(await cli.exited, 4, cli.output().slice(-3000));
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.match(cli.output(), /error TRANSACTION_TOO_LARGE: the source transaction starting at \S+ .*holds more than 1 MiB.*fix: raise --max-transaction-mib/);
    const rows = (await servers.target.sql('SELECT id FROM txcap.t')) as Array<{ id: number }>;
    assert.deepEqual(rows.map((r) => Number(r.id)), [0], 'the change before the transaction is applied, none of the transaction');
  });
});

describe('scsc replicate after the source purged its restart point', { skip: servers.skip }, () => {
  it('fails with CHECKPOINT_PURGED naming the fix, and re-snapshots with --resnapshot-on-purge', async () => {
    const schema = 'CREATE DATABASE pg; USE pg; CREATE TABLE p (id INT PRIMARY KEY, v VARCHAR(20))';
    await servers.source.sql(schema);
    await servers.target.sql(schema);
    const args = ['replicate', '--source', servers.source.url('pg'), '--target', servers.target.url('pg'), '--log-level', 'info'];
    const first = startCli(args);
    try {
      await waitForOutput(first, 'streaming from the source binlog');
      await servers.source.sql("INSERT INTO p VALUES (1, 'one')", 'pg');
      await waitForTablesEqual({ server: servers.source, database: 'pg' }, { server: servers.target, database: 'pg' }, ['p'], first);
    } finally {
      first.child.kill('SIGTERM');
    }
    assert.equal(await first.exited, 0, first.output().slice(-3000));

    // Changes the replicator never read, then the binlog that holds them is purged.
    await servers.source.sql("INSERT INTO p VALUES (2, 'two'); UPDATE p SET v = 'uno' WHERE id = 1; FLUSH BINARY LOGS", 'pg');
    const [status] = await servers.source.sql('SHOW MASTER STATUS') as Array<{ File: string }>;
    // MariaDB keeps a binlog until its binlog checkpoint passed it (and while a dump thread reads it).
    for (let attempt = 0; ; attempt++) {
      await servers.source.sql(`PURGE BINARY LOGS TO '${status?.File ?? ''}'`);
      const logs = await servers.source.sql('SHOW BINARY LOGS') as Array<{ Log_name: string }>;
      if (logs.length === 1) break;
      assert.ok(attempt < 100, `binlogs not purged: ${JSON.stringify(logs)}`);
      await delay(200);
    }

    const refused = startCli(args);
    assert.equal(await refused.exited, 4, refused.output().slice(-3000));
    assert.match(refused.output(), /error CHECKPOINT_PURGED: .*--resnapshot-on-purge/);

    const resnapshot = startCli([...args, '--resnapshot-on-purge']);
    try {
      await waitForOutput(resnapshot, 're-snapshotting (--resnapshot-on-purge)');
      await waitForTablesEqual({ server: servers.source, database: 'pg' }, { server: servers.target, database: 'pg' }, ['p'], resnapshot);
      await servers.source.sql("INSERT INTO p VALUES (3, 'three')", 'pg');
      await waitForTablesEqual({ server: servers.source, database: 'pg' }, { server: servers.target, database: 'pg' }, ['p'], resnapshot);
    } finally {
      resnapshot.child.kill('SIGTERM');
    }
    assert.equal(await resnapshot.exited, 0, resnapshot.output().slice(-3000));
  });
});
