import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import { findFreePort } from '../../src/sandbox/free-port.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { legacyCheckpointTableSql } from '../env/legacy-checkpoint.js';
import { runCli, startCli, type CliResult, type RunningCli } from '../env/run-cli.js';

const servers = mariaDbServersForTests({ source: {}, target: {} });

interface StatusJson {
  ok: boolean;
  target: string;
  streams: Array<{
    stream: string;
    restartPoint: { file: string; offset: number; gtid?: string } | null;
    sourceServer: string | null;
    running: boolean;
    runningOn: number | null;
    source?: { head: { file: string; offset: number }; server: string; behind: { files: number | null; bytes: number | null } };
    lanes: Array<{ lane: string; lastApplied: { file: string; offset: number } | null; rowsApplied: number; sourceCommitTime: string | null; appliedAt: string; lagMs: number | null; idleMs: number }>;
  }>;
}

async function waitFor(what: string, cli: RunningCli, condition: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + 120_000;
  while (!(await condition())) {
    assert.ok(cli.child.exitCode === null, `scsc replicate exited while waiting for ${what}:\n${cli.output()}`);
    assert.ok(Date.now() < until, `timed out waiting for ${what}:\n${cli.output()}`);
    await delay(200);
  }
}

async function count(table: string): Promise<number> {
  const rows = (await servers.target.sql(`SELECT COUNT(*) AS n FROM app.${table}`).catch(() => [{ n: -1 }])) as Array<{ n: number | string }>;
  return Number(rows[0]?.n);
}

function parse(result: CliResult): StatusJson {
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as StatusJson;
}

function assertOneLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
}

describe('scsc status', { skip: servers.skip, timeout: 600_000 }, () => {
  const target = (): string => servers.target.url('app');
  const source = (): string => servers.source.url('app');

  before(async () => {
    await servers.source.sql(`CREATE DATABASE app; USE app;
      CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL);
      CREATE TABLE orders (id INT PRIMARY KEY, item_id INT NOT NULL, qty INT NOT NULL);
      INSERT INTO items VALUES (1, 'snapshot row')`);
    await servers.target.sql('CREATE DATABASE app; CREATE DATABASE empty');

    const cli = startCli(['replicate', '--source', source(), '--target', target(), '--log-level', 'info']);
    try {
      await waitFor('streaming', cli, () => cli.output().includes('streaming from the source binlog'));
      await servers.source.sql(`INSERT INTO items VALUES (2, 'b'), (3, 'c'), (4, 'd');
        UPDATE items SET name = 'a' WHERE id = 1;
        INSERT INTO orders VALUES (1, 2, 5), (2, 3, 1);
        ALTER TABLE items ADD COLUMN note VARCHAR(20) NULL;
        INSERT INTO items VALUES (5, 'e', 'after ddl')`, 'app');
      await waitFor('the rows on the target', cli, async () => (await count('items')) === 5 && (await count('orders')) === 2);
      // The last commit event moves the restart point past the last transaction.
      await delay(1_000);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output());
  });

  it('prints each lane, its rows applied and the restart point as one JSON object', async () => {
    const status = parse(await runCli(['status', '--target', target(), '--json']));
    assert.equal(status.ok, true);
    assert.equal(status.target, `root@127.0.0.1:${servers.target.port}/app`);
    assert.equal(status.streams.length, 1);
    const [stream] = status.streams;
    assert.equal(stream?.stream, `127.0.0.1:${servers.source.port}/app`);
    assert.match(stream?.restartPoint?.file ?? '', /\.\d+$/);
    assert.ok((stream?.restartPoint?.offset ?? 0) > 0);
    // A restart point at a transaction's end carries no GTID (the binlog names transactions, not their ends).
    assert.match(stream?.restartPoint?.gtid ?? '0-1-1', /^0-\d+-\d+$/);
    assert.equal(stream?.sourceServer, `server_id=${servers.source.serverId}`, 'the server the restart point belongs to');
    assert.equal(stream?.source, undefined);
    assert.deepEqual(stream?.lanes.map((l) => [l.lane, l.rowsApplied]), [['items', 5], ['orders', 2], ['#ddl', 0]]);
    for (const lane of stream?.lanes ?? []) {
      assert.ok(lane.lastApplied !== null, lane.lane);
      assert.ok(lane.sourceCommitTime !== null && lane.lagMs !== null && lane.lagMs >= 0 && lane.lagMs < 60_000, JSON.stringify(lane));
      assert.ok(lane.idleMs >= 0, JSON.stringify(lane));
      assert.equal(Date.parse(lane.appliedAt) - Date.parse(lane.sourceCommitTime), lane.lagMs);
    }
  });

  it('prints an aligned table for people', async () => {
    const result = await runCli(['status', '--target', target()]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `stream 127.0.0.1:${servers.source.port}/app -> root@127.0.0.1:${servers.target.port}/app`);
    assert.equal(lines[1], '  replicator     not running');
    assert.match(lines[2] ?? '', new RegExp(`^ {2}restart point {2}\\S+\\.\\d+:\\d+( {2}gtid 0-\\d+-\\d+)? {2}on server_id=${servers.source.serverId}$`));
    const header = lines.findIndex((l) => l.trimStart().startsWith('lane '));
    assert.match(lines[header] ?? '', /lane\s+last applied\s+rows\s+source commit \(UTC\)\s+applied at \(UTC\)\s+lag\s+idle for/);
    const rows = lines.slice(header + 2).filter((l) => l.trim() !== '');
    assert.deepEqual(rows.map((l) => l.trim().split(/\s+/)[0]), ['items', 'orders', '#ddl']);
    assert.match(rows[0] ?? '', /^ {2}items\s+\S+:\d+(#\d+)?\s+5\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+(\.\d)? m?s\s+\S/);
    const rowsColumnEnd = (lines[header] ?? '').indexOf('rows') + 'rows'.length;
    for (const row of rows) assert.match(row.slice(0, rowsColumnEnd), /\d$/, `rows right-aligned: ${row}`);
  });

  it('compares the restart point with the source binlog head with --source', async () => {
    const caughtUp = parse(await runCli(['status', '--target', target(), '--source', source(), '--json']));
    const stream = caughtUp.streams[0];
    assert.deepEqual(stream?.source?.behind, { files: 0, bytes: 0 }, JSON.stringify(stream));
    assert.equal(stream?.source?.server, `server_id=${servers.source.serverId}`);
    assert.equal(stream?.source?.head.offset, stream?.restartPoint?.offset);

    await servers.source.sql("INSERT INTO items VALUES (6, 'f', NULL), (7, 'g', NULL)", 'app');
    const behind = parse(await runCli(['status', '--target', target(), '--source', source(), '--json']));
    const moved = behind.streams[0]?.source;
    assert.equal(moved?.behind.files, 0);
    assert.ok((moved?.behind.bytes ?? 0) > 0, JSON.stringify(moved));
    assert.equal(moved?.head.offset, (stream?.restartPoint?.offset ?? 0) + (moved?.behind.bytes ?? 0));

    const human = await runCli(['status', '--target', target(), '--source', source()]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`\\n {2}source head {4}\\S+:\\d+ {2}gtid 0-\\d+-\\d+ {2}\\(${moved?.behind.bytes} bytes behind\\)\\n`));
  });

  it('reads a checkpoint table of an earlier version (no source_server column) without changing it', async () => {
    await servers.target.sql(`CREATE DATABASE legacy; ${legacyCheckpointTableSql('legacy')};
      INSERT INTO legacy._scsc_checkpoint (stream, lane, applied_key, resume_file, resume_offset, resume_key, applied_at)
        VALUES ('10.0.0.9:3306/shop', '*', '', 'binlog.000042', 1234, '', '2026-11-20 10:00:00')`);
    const json = parse(await runCli(['status', '--target', servers.target.url('legacy'), '--json']));
    assert.deepEqual(json.streams.map((s) => [s.stream, s.restartPoint, s.sourceServer]), [['10.0.0.9:3306/shop', { file: 'binlog.000042', offset: 1234 }, null]]);
    const human = await runCli(['status', '--target', servers.target.url('legacy')]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /\n {2}restart point {2}binlog\.000042:1234\n/, 'no server to name');
    const columns = await servers.target.sql("SHOW COLUMNS FROM legacy._scsc_checkpoint LIKE 'source_server'") as unknown[];
    assert.equal(columns.length, 0, 'status only reads');
  });

  it('shows the running replicator; a second one for the same stream is refused (STREAM_BUSY) until the first is gone, even by SIGKILL', async () => {
    assert.equal(parse(await runCli(['status', '--target', target(), '--json'])).streams[0]?.running, false);
    const first = startCli(['replicate', '--source', source(), '--target', target(), '--log-level', 'info']);
    await waitFor('streaming', first, () => first.output().includes('streaming from the source binlog'));
    const running = parse(await runCli(['status', '--target', target(), '--json'])).streams[0];
    assert.equal(running?.running, true);
    assert.ok(Number.isInteger(running?.runningOn) && (running?.runningOn ?? 0) > 0, JSON.stringify(running));

    const second = await runCli(['replicate', '--source', source(), '--target', target()]);
    assert.equal(second.code, 4, second.stderr);
    assertOneLine(second, new RegExp(`^scsc: error STREAM_BUSY: another scsc replicate holds the lock scsc:app:127\\.0\\.0\\.1:${servers.source.port}/app on the target: connection ${running?.runningOn} \\(root@`));
    assert.equal(first.child.exitCode, null, 'the first replicator keeps running');

    first.child.kill('SIGKILL');
    await first.exited;
    const next = startCli(['replicate', '--source', source(), '--target', target(), '--log-level', 'info']);
    try {
      await waitFor('streaming after the SIGKILL', next, () => next.output().includes('streaming from the source binlog'));
    } finally {
      next.child.kill('SIGTERM');
    }
    assert.equal(await next.exited, 0, next.output());
    assert.equal(parse(await runCli(['status', '--target', target(), '--json'])).streams[0]?.running, false);
  });

  it('exits 1 with one line when the target has no checkpoint table, or none for --source', async () => {
    const none = await runCli(['status', '--target', servers.target.url('empty')]);
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assertOneLine(none, /^scsc: no _scsc_checkpoint table in root@127\.0\.0\.1:\d+\/empty: scsc replicate has not run against this target database$/);

    const json = await runCli(['status', '--target', servers.target.url('empty'), '--json']);
    assert.equal(json.code, 1);
    assert.deepEqual((JSON.parse(json.stdout) as { ok: boolean; streams: unknown[] }).streams, []);

    const otherSource = await runCli(['status', '--target', target(), '--source', servers.source.url('mysql')]);
    assert.equal(otherSource.code, 1);
    assertOneLine(otherSource, new RegExp(`^scsc: no checkpoint for source 127\\.0\\.0\\.1:${servers.source.port}/mysql in .*streams there: 127\\.0\\.0\\.1:${servers.source.port}/app\\)$`));
  });

  it('reports an unreachable target or a missing database like every command', async () => {
    const port = await findFreePort();
    const refused = await runCli(['status', '--target', `mysql://root@127.0.0.1:${port}/app`]);
    assert.equal(refused.code, 3);
    assertOneLine(refused, /^scsc: error CONNECTION_REFUSED: /);

    const noDatabase = await runCli(['status', '--target', servers.target.url()]);
    assert.equal(noDatabase.code, 2);
    assertOneLine(noDatabase, /^scsc: error URL_INVALID: --target needs a database/);
  });
});
