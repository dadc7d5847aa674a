import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { portAcceptsConnections } from '../env/net-probe.js';

const servers = mariaDbServersForTests({ a: {}, b: { gtidDomainId: 3 }, off: { binlog: false } });
const CHILD = fileURLToPath(new URL('../env/sandbox-child.ts', import.meta.url));

async function variables(sql: (s: string) => Promise<unknown>): Promise<Record<string, string>> {
  const rows = (await sql("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_id','log_bin','binlog_format','binlog_row_image','gtid_domain_id')")) as Array<{ Variable_name: string; Value: string }>;
  return Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
}

async function startChild(mode: 'exit' | 'wait'): Promise<{ info: { baseDir: string; port: number }; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', () => reject(new Error(`child exited before starting a server: ${out}`)));
  });
  return { info: JSON.parse(line) as { baseDir: string; port: number }, child };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(200);
  }
  return check();
}

describe('throwaway MariaDB servers', { skip: servers.skip }, () => {
  it('run with distinct server ids, a ROW/FULL binlog with GTIDs, or the binlog off on request', async () => {
    const [a, b, off] = await Promise.all([variables((s) => servers.a.sql(s)), variables((s) => servers.b.sql(s)), variables((s) => servers.off.sql(s))]);
    assert.equal(new Set([a.server_id, b.server_id, off.server_id]).size, 3);
    assert.equal(a.server_id, String(servers.a.serverId));
    assert.deepEqual([a.log_bin, a.binlog_format, a.binlog_row_image], ['ON', 'ROW', 'FULL']);
    assert.equal(b.gtid_domain_id, '3');
    assert.equal(off.log_bin, 'OFF');
    await servers.a.sql('CREATE DATABASE g; CREATE TABLE g.t (id INT PRIMARY KEY); INSERT INTO g.t VALUES (1)');
    const [pos] = (await servers.a.sql('SELECT @@gtid_binlog_pos AS p')) as Array<{ p: string }>;
    assert.match(pos?.p ?? '', new RegExp(`^0-${servers.a.serverId}-\\d+$`));
  });

  it('are removed by a process that exits without stopping them', async () => {
    const { info, child } = await startChild('exit');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(existsSync(info.baseDir), false, `${info.baseDir} left behind`);
    assert.equal(await waitFor(async () => !(await portAcceptsConnections(info.port)), 5_000), true);
  });

  it('are killed and removed when their process is killed with SIGKILL', async () => {
    const { info, child } = await startChild('wait');
    assert.equal(await portAcceptsConnections(info.port), true);
    child.kill('SIGKILL');
    assert.equal(await waitFor(async () => !existsSync(info.baseDir) && !(await portAcceptsConnections(info.port)), 10_000), true, `${info.baseDir} or port ${info.port} left behind`);
  });
});
