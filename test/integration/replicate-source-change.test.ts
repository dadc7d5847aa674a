import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { isScscError } from '../../src/core/scsc-error.js';
import { readServerInfo, serverIdentity, serverIdentitySql } from '../../src/mysql/server-info.js';
import { startMariaDbServer, type MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import type { BinlogSource } from '../../src/source/binlog-source.js';
import { positionKey, type Boundary } from '../../src/core/position.js';
import { binlogSourceAtHead } from '../env/binlog-changes.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli, startCli, type RunningCli } from '../env/run-cli.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { exactSnapshot, type Snapshot } from '../env/type-fixture.js';
import { legacyCheckpointTableSql } from '../env/legacy-checkpoint.js';

/*
 * A failover behind one address: the source's host:port (the stream's name) reaches another server,
 * whose binlog file names and offsets name other changes. scsc must notice (another server_id
 * answers) instead of reading on from its restart point.
 */

const servers = mariaDbServersForTests({ target: {} });
const SCHEMA = 'CREATE DATABASE app; CREATE TABLE app.items (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)';
const CHECKPOINTS = 'SELECT lane, applied_key, resume_key, source_server, rows_applied FROM app._scsc_checkpoint ORDER BY lane';

/** The first change `source` emits from `from`, or the error it stops with. */
function firstChange(source: BinlogSource, from: Boundary): Promise<ChangeEvent> {
  return new Promise((resolve, reject) => {
    const subscription = source.changes(from).subscribe({
      next: (event) => {
        if (event.kind === 'commit') return;
        subscription.unsubscribe();
        resolve(event);
      },
      error: reject,
    });
  });
}

/**
 * `scsc replicate ARGS` until it streams, `write` on the source, until `database`'s items are equal on
 * both servers; then SIGTERM, which must end it with 0. Returns the run for its output.
 */
async function replicateUntilEqual(args: string[], source: MariaDbServer, target: MariaDbServer, database: string, write: () => Promise<unknown>): Promise<RunningCli> {
  const cli = startCli(args);
  try {
    await waitForOutput(cli, 'streaming from the source binlog');
    await write();
    await waitForTablesEqual({ server: source, database }, { server: target, database }, ['items'], cli);
  } finally {
    cli.child.kill('SIGTERM');
  }
  assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  return cli;
}

describe('a source that turns out to be another server', { skip: servers.skip }, () => {
  let primary: MariaDbServer | undefined;
  let standIn: MariaDbServer | undefined;
  const extra: MariaDbServer[] = [];
  before(async () => {
    if (servers.skip === undefined) primary = await startMariaDbServer({ name: 'primary' });
  });
  after(async () => {
    await Promise.all([primary?.stop(), standIn?.stop(), ...extra.map((server) => server.stop())]);
  });

  it('BinlogSource stops with SOURCE_CHANGED when another server answers on its connection', async () => {
    const server = primary as MariaDbServer;
    await server.sql('CREATE DATABASE ev; CREATE TABLE ev.t (id INT PRIMARY KEY)');
    const pool = mysql.createPool({ uri: server.url('ev'), connectionLimit: 2 });
    try {
      const sql = serverIdentitySql('mariadb');
      // The server's own identity, even on a session that set its own server_id (MariaDB allows it).
      const session = await pool.getConnection();
      try {
        await session.query('SET SESSION server_id = 77');
        const [asked] = await session.query(sql) as unknown as [Array<{ identity: string }>];
        assert.deepEqual(asked.map((row) => row.identity), [serverIdentity(await readServerInfo(session))]);
        assert.equal(asked[0]?.identity, `server_id=${server.serverId}`);
      } finally {
        session.destroy();
      }
      const same = await binlogSourceAtHead(server, pool, 'ev', { serverId: 4302, sourceServer: { identity: `server_id=${server.serverId}`, sql } });
      const other = await binlogSourceAtHead(server, pool, 'ev', { serverId: 4303, sourceServer: { identity: 'server_id=77', sql } });
      await server.sql('INSERT INTO ev.t VALUES (1)');
      assert.deepEqual((await firstChange(same.source, same.from)).key, ['1'], 'the server the stream was read from is read on');
      await assert.rejects(firstChange(other.source, other.from), (error: unknown) => {
        assert.ok(isScscError(error) && error.code === 'SOURCE_CHANGED', String(error));
        assert.match(error.message, new RegExp(`read from the server with server_id=77, this one has server_id=${server.serverId}`));
        return true;
      });
    } finally {
      await pool.end();
    }
  });

  it('scsc replicate refuses to resume from a stand-in behind the same address, and with --resnapshot-on-source-change makes the target equal to it', async () => {
    const target = servers.target;
    const original = primary as MariaDbServer;
    await original.sql(`${SCHEMA}; INSERT INTO app.items SELECT seq, CONCAT('original-', seq) FROM app.seq_1_to_300`);
    // The checkpoint table as versions before source_server made it: the first start adds the column.
    await target.sql(`${SCHEMA}; ${legacyCheckpointTableSql('app')}`);
    const args = ['replicate', '--source', original.url('app'), '--target', target.url('app'), '--log-level', 'info'];

    await replicateUntilEqual(args, original, target, 'app', () => original.sql("UPDATE app.items SET v = 'changed' WHERE id <= 100; DELETE FROM app.items WHERE id > 280"));
    const recorded = await target.sql("SELECT source_server FROM app._scsc_checkpoint WHERE lane = '*'") as Array<{ source_server: string }>;
    assert.deepEqual(recorded.map((row) => row.source_server), [`server_id=${original.serverId}`]);
    const checkpoints = await target.sql(CHECKPOINTS);

    // The failover: the original is gone and another server (another server_id, its own binlog with
    // more history than the original's) answers on its port.
    await original.stop();
    standIn = await startMariaDbServer({ name: 'stand-in', port: original.port });
    await standIn.sql(`${SCHEMA}; INSERT INTO app.items SELECT seq, CONCAT('stand-in-', seq) FROM app.seq_1_to_250`);
    for (let round = 0; round < 20; round++) await standIn.sql(`UPDATE app.items SET v = CONCAT('round-', ${round}) WHERE id % 20 = ${round}`);
    const before = await exactSnapshot(target, 'app', 'items');

    const refused = await runCli(args);
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /SOURCE_CHANGED/);
    assert.match(refused.stderr, new RegExp(`read from the server with server_id=${original.serverId}, this one has server_id=${standIn.serverId}`));
    assert.match(refused.stderr, /--resnapshot-on-source-change/);
    assert.deepEqual(await exactSnapshot(target, 'app', 'items'), before, 'nothing was written to the target');
    assert.deepEqual(await target.sql(CHECKPOINTS), checkpoints, 'the checkpoints are left as they were');
    const json = await runCli(['status', '--target', target.url('app'), '--source', original.url('app'), '--json']);
    const [stream] = (JSON.parse(json.stdout) as { streams: Array<{ sourceServer: string; source: { server: string; behind: unknown } }> }).streams;
    assert.deepEqual([stream?.sourceServer, stream?.source.server, stream?.source.behind],
      [`server_id=${original.serverId}`, `server_id=${standIn.serverId}`, { files: null, bytes: null }], 'no distance between offsets of two binlogs');
    const status = await runCli(['status', '--target', target.url('app'), '--source', original.url('app')]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`restart point .* on server_id=${original.serverId}\\n {2}source head .*\\(another server than the restart point's, server_id=${standIn.serverId}: scsc replicate stops with SOURCE_CHANGED\\)`));

    const stand = standIn;
    const resnapshot = await replicateUntilEqual([...args, '--resnapshot-on-source-change'], stand, target, 'app',
      () => stand.sql("INSERT INTO app.items VALUES (1000, 'after the failover'); DELETE FROM app.items WHERE id = 1"));
    assert.match(resnapshot.output(), /re-snapshotting \(--resnapshot-on-source-change\)[\s\S]*streaming from the source binlog/);
    const moved = await target.sql("SELECT source_server FROM app._scsc_checkpoint WHERE lane = '*'") as Array<{ source_server: string }>;
    assert.deepEqual(moved.map((row) => row.source_server), [`server_id=${standIn.serverId}`], 'the stream now belongs to the stand-in');

    // The stand-in is now the stream's source: a restart resumes from it without a word.
    const again = await replicateUntilEqual(args, stand, target, 'app', () => stand.sql("UPDATE app.items SET v = 'resumed' WHERE id = 2"));
    assert.doesNotMatch(again.output(), /SOURCE_CHANGED|re-snapshotting/);
  });

  /**
   * `scsc replicate FLAGS` of `database` from a server of its own, caught up; then that server stops
   * and another (other rows, a longer binlog) starts on its port. Returns before the reconnect.
   */
  async function failoverWhileRunning(database: string, flags: string[]): Promise<{ original: MariaDbServer; successor: MariaDbServer; cli: RunningCli; before: Snapshot }> {
    const target = servers.target;
    const schema = `CREATE DATABASE ${database}; CREATE TABLE ${database}.items (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)`;
    const original = await startMariaDbServer({ name: `${database}-primary` });
    extra.push(original);
    await original.sql(`${schema}; INSERT INTO ${database}.items SELECT seq, CONCAT('original-', seq) FROM ${database}.seq_1_to_200`);
    await target.sql(schema);
    const cli = startCli(['replicate', '--source', original.url(database), '--target', target.url(database), ...flags, '--log-level', 'info']);
    await waitForOutput(cli, 'streaming from the source binlog');
    await original.sql(`UPDATE ${database}.items SET v = 'streamed' WHERE id <= 50`);
    await waitForTablesEqual({ server: original, database }, { server: target, database }, ['items'], cli);
    const before = await exactSnapshot(target, database, 'items');

    await original.stop();
    const successor = await startMariaDbServer({ name: `${database}-successor`, port: original.port });
    extra.push(successor);
    await successor.sql(`${schema}; INSERT INTO ${database}.items SELECT seq, CONCAT('successor-', seq) FROM ${database}.seq_1_to_150`);
    for (let round = 0; round < 20; round++) await successor.sql(`UPDATE ${database}.items SET v = CONCAT('round-', ${round}) WHERE id % 20 = ${round}`);
    return { original, successor, cli, before };
  }

  it('a running scsc replicate whose source fails over to another server re-snapshots from it with --resnapshot-on-source-change', async () => {
    const { original, successor, cli } = await failoverWhileRunning('live', ['--resnapshot-on-source-change']);
    try {
      await waitForOutput(cli, 're-snapshotting (--resnapshot-on-source-change)');
      await waitForOutput(cli, /streaming from the source binlog[\s\S]*streaming from the source binlog/);
      await successor.sql("INSERT INTO live.items VALUES (500, 'after the failover')");
      await waitForTablesEqual({ server: successor, database: 'live' }, { server: servers.target, database: 'live' }, ['items'], cli);
      assert.match(cli.output(), new RegExp(`read from the server with server_id=${original.serverId}, this one has server_id=${successor.serverId}`));
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('a running scsc replicate whose source fails over stops with SOURCE_CHANGED at its reconnect and writes nothing from the new server', async () => {
    const { original, successor, cli, before } = await failoverWhileRunning('halt', []);
    try {
      assert.equal(await cli.exited, 4, cli.output().slice(-3000));
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.match(cli.output(), new RegExp(`error SOURCE_CHANGED: .*read from the server with server_id=${original.serverId}, this one has server_id=${successor.serverId}`));
    assert.deepEqual(await exactSnapshot(servers.target, 'halt', 'items'), before, 'nothing of the new server was applied');
  });

  it('a restart point past the end of its binlog file (the source lost its binlog\'s end) fails with CHECKPOINT_PURGED saying so', async () => {
    const target = servers.target;
    const source = await startMariaDbServer({ name: 'short-source' });
    extra.push(source);
    const schema = 'CREATE DATABASE short; CREATE TABLE short.items (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)';
    await source.sql(`${schema}; INSERT INTO short.items VALUES (1, 'a')`);
    await target.sql(schema);
    const args = ['replicate', '--source', source.url('short'), '--target', target.url('short'), '--log-level', 'info'];
    await replicateUntilEqual(args, source, target, 'short', () => source.sql("INSERT INTO short.items VALUES (2, 'b')"));
    // As if the source had crashed and come back without the end of its binlog (sync_binlog=0).
    const [{ resume_file: file }] = await target.sql("SELECT resume_file FROM short._scsc_checkpoint WHERE lane = '*'") as [{ resume_file: string }];
    const past = { file, offset: 50_000_000 };
    await target.sql(`UPDATE short._scsc_checkpoint SET resume_file = '${past.file}', resume_offset = ${past.offset}, resume_key = '${positionKey(past)}'`);

    const refused = await runCli(args);
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`error CHECKPOINT_PURGED: .*cannot stream from ${past.file.replace('.', '\\.')}:${past.offset}: .*impossible position.*\\(the binlog file ends before the restart point: the source lost the end of its binlog in a crash`));
  });

  it('on a checkpoint table of an earlier version that the target account may not ALTER, replicates and warns that failovers go unnoticed', async () => {
    const target = servers.target;
    const source = await startMariaDbServer({ name: 'limited-source' });
    extra.push(source);
    await source.sql("CREATE DATABASE lim; CREATE TABLE lim.items (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL); INSERT INTO lim.items VALUES (1, 'a')");
    await target.sql(`CREATE DATABASE lim; CREATE TABLE lim.items (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL); ${legacyCheckpointTableSql('lim')};
      CREATE USER writer@'127.0.0.1' IDENTIFIED BY 'pw'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON lim.* TO writer@'127.0.0.1'`);
    const args = ['replicate', '--source', source.url('lim'), '--target', target.url('lim', 'writer', 'pw'), '--log-level', 'info'];
    const cli = await replicateUntilEqual(args, source, target, 'lim', () => source.sql("INSERT INTO lim.items VALUES (2, 'b')"));
    assert.match(cli.output(), /lacks the source_server column and this account may not add it[\s\S]*streaming from the source binlog/);
  });
});
