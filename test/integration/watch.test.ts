import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { tempDir } from '../env/temp-dir.js';

const ENTRY = fileURLToPath(new URL('../../src/cli/scsc.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

const PASSWORD = 'W4tch-pw-7';
const servers = mariaDbServersForTests({ logged: {}, unlogged: { binlog: false }, target: {} });

interface WatchProcess {
  child: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `scsc ARGS` from the sources as a long-running child, without the developer's SCSC_* settings. */
function startCli(args: string[], cwd: string): WatchProcess {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('SCSC_') || key === 'DEV_DB_URL' || key === 'PROD_DB_URL' || key.startsWith('NODE_TEST')) delete env[key];
  }
  const child = spawn(process.execPath, ['--import', TSX_LOADER, ENTRY, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, output, exited };
}

async function waitFor(what: string, condition: () => Promise<boolean>, watch: WatchProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (watch.child.exitCode !== null) throw new Error(`scsc watch exited (${watch.child.exitCode}) while waiting for ${what}:\n${watch.output.stderr}`);
    if (await condition()) return;
    await delay(200);
  }
  throw new Error(`timed out waiting for ${what}; scsc watch said:\n${watch.output.stderr}`);
}

async function targetRows(database: string): Promise<string> {
  const rows = (await servers.target.sql(`SELECT id, note FROM ${database}.items ORDER BY id`)) as { id: number; note: string }[];
  return rows.map((r) => `${r.id}:${r.note}`).join(',');
}

const SOURCE_SCHEMA = (db: string): string => `CREATE DATABASE ${db}; CREATE TABLE ${db}.items (id INT PRIMARY KEY, note VARCHAR(20));
  CREATE TABLE ${db}.scratch (id INT PRIMARY KEY);`;

describe('scsc watch', { skip: servers.skip }, () => {
  const running: WatchProcess[] = [];
  before(async () => {
    await Promise.all([
      servers.logged.sql(SOURCE_SCHEMA('shop')),
      servers.unlogged.sql(SOURCE_SCHEMA('shop')),
      servers.target.sql(`${SOURCE_SCHEMA('copy_a')} ${SOURCE_SCHEMA('copy_b')}`),
    ]);
  });
  after(() => {
    for (const watch of running) if (watch.child.exitCode === null) watch.child.kill('SIGKILL');
  });

  const cases = [
    { source: 'unlogged', target: 'copy_a', detector: 'content', json: true, signal: 'SIGTERM' },
    { source: 'logged', target: 'copy_b', detector: 'binlog', json: false, signal: 'SIGINT' },
  ] as const;
  for (const { source, target, detector, json, signal } of cases) {
    it(`syncs every change of a source ${source === 'logged' ? 'with' : 'without'} binlog, then exits 0 on ${signal}`, async () => {
      const dir = tempDir('scsc-watch-');
      // The source is read by an account with a password: it must not reach the state file or the output.
      await servers[source].sql(`CREATE USER 'watcher'@'%' IDENTIFIED BY '${PASSWORD}'; GRANT ALL ON *.* TO 'watcher'@'%'`);
      const args = ['watch', '--source', servers[source].url('shop', 'watcher', PASSWORD), '--target', servers.target.url(target), '--interval', '1s',
        '--state', 'state/watch.json', '--exclude', 'scratch', '--workers', '2', ...(json ? ['--json'] : [])];
      const watch = startCli(args, dir);
      running.push(watch);

      await servers[source].sql("INSERT INTO shop.items VALUES (1, 'one')");
      await waitFor('the first row on the target', async () => (await targetRows(target)) === '1:one', watch);

      await servers[source].sql("INSERT INTO shop.items VALUES (2, 'two'); UPDATE shop.items SET note = 'uno' WHERE id = 1");
      await waitFor('the second write on the target', async () => (await targetRows(target)) === '1:uno,2:two', watch);

      await servers[source].sql('DELETE FROM shop.items WHERE id = 2');
      await waitFor('the delete on the target', async () => (await targetRows(target)) === '1:uno', watch);

      // A write to an excluded table: with content signatures no sync; then a few quiet rounds.
      const quietRounds = (): number => (watch.output.stderr.match(/"msg":"no change"/g) ?? []).length;
      const quietBefore = quietRounds();
      await servers[source].sql('INSERT INTO shop.scratch VALUES (1)');
      await waitFor('two rounds without change', () => Promise.resolve(quietRounds() >= quietBefore + 2), watch);

      const stopAt = Date.now();
      watch.child.kill(signal);
      const result = await Promise.race([watch.exited, delay(10_000).then(() => undefined)]);
      assert.ok(result !== undefined, `scsc watch did not exit within 10 s of ${signal}:\n${watch.output.stderr}`);
      assert.deepEqual(result, { code: 0, signal: null }, watch.output.stderr);
      assert.ok(Date.now() - stopAt < 10_000);

      const logs = watch.output.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const changes = logs.filter((l) => l.msg === 'change detected; syncing');
      // content: one sync per write to items, none for the excluded table; binlog: that write moves it too.
      if (detector === 'content') assert.equal(changes.length, 3, watch.output.stderr);
      else assert.ok(changes.length >= 3, watch.output.stderr);
      assert.ok(changes.every((l) => l.detector === detector), watch.output.stderr);
      assert.ok(logs.some((l) => l.msg === 'watch stopped'), watch.output.stderr);
      assert.equal(logs.filter((l) => l.msg === 'synced').length, changes.length, 'every sync stored its signature');

      const state = readFileSync(join(dir, 'state', 'watch.json'), 'utf8');
      assert.match(state, /"version": 1/);
      assert.match(state, /watcher@127\.0\.0\.1:\d+\/shop/);
      for (const text of [state, watch.output.stdout, watch.output.stderr]) assert.doesNotMatch(text, new RegExp(PASSWORD));
      if (json) {
        const rounds = watch.output.stdout.trim().split('\n').map((line) => JSON.parse(line) as { round: number; changed: boolean; committed: boolean });
        assert.deepEqual(rounds.map((r) => r.round), rounds.map((_, i) => i + 1));
        assert.ok(rounds.some((r) => r.changed && r.committed));
      } else {
        assert.match(watch.output.stdout, /target updated/);
      }
    });
  }
});

describe('scsc watch without a reachable source', () => {
  it('fails the first round with the connection error instead of retrying forever', async () => {
    const watch = startCli(['watch', '--source', 'mysql://u:gone-pw-3@127.0.0.1:1/a', '--target', 'mysql://u@127.0.0.1:1/b', '--interval', '1s'],
      tempDir('scsc-watch-'));
    const result = await Promise.race([watch.exited, delay(20_000).then(() => undefined)]);
    if (result === undefined) watch.child.kill('SIGKILL');
    assert.deepEqual(result, { code: 3, signal: null }, watch.output.stderr);
    assert.match(watch.output.stderr, /^scsc: error CONNECTION_REFUSED: cannot reach source u@127\.0\.0\.1:1\/a/m);
    assert.doesNotMatch(watch.output.stderr, /gone-pw-3/);
  });
});
