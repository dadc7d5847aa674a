import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { mariaDbBinariesPresent } from '../../src/sandbox/mariadb-server.js';
import { portAcceptsConnections } from '../env/net-probe.js';
import { runCli } from '../env/run-cli.js';

const skip = mariaDbBinariesPresent() ? undefined : 'the demo needs mariadbd; install with: sudo apt-get install -y mariadb-server';
if (skip !== undefined && process.env.CI === 'true') throw new Error(skip);

describe('scsc demo (the README\'s first command)', { skip }, () => {
  it('replicates a live workload between two throwaway servers, ends with a clean reconcile, then removes the servers', async () => {
    // Through the built CLI, as `npm run demo` runs it: the bundle must hold every engine the demo uses.
    execFileSync('npm', ['run', 'build'], { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'ignore' });
    const result = await runCli(['demo', '--seconds', '4'], { built: true });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /preflight \(scsc check --for replicate\): ready, 0 blockers/);
    assert.match(result.stdout, /snapshot done .*streaming the binlog/);
    const ticks = [...result.stdout.matchAll(/^t= +\d+s +source +(\d+) txn\/s +target +(\d+) order rows +lag (\d+) ms$/gm)];
    assert.ok(ticks.length >= 1, `live lines expected:\n${result.stdout}`);
    assert.ok(ticks.some((m) => Number(m[1]) > 0), 'the workload wrote');
    const transactions = Number(/workload stopped after (\d+) transactions/.exec(result.stdout)?.[1] ?? 0);
    assert.ok(transactions > 20, `only ${transactions} transactions`);
    assert.match(result.stdout, /caught up \d+ ms after the last write/);
    assert.match(result.stdout, /reconcile \(scsc reconcile\): customers equal, orders equal, order_items equal, products equal/);
    assert.match(result.stdout, /demo passed/);

    const ports = [...result.stdout.matchAll(/mysql:\/\/root@127\.0\.0\.1:(\d+)\/shop/g)].map((m) => Number(m[1]));
    assert.equal(new Set(ports).size, 2, `two servers expected:\n${result.stdout}`);
    for (const port of ports) assert.equal(await portAcceptsConnections(port), false, `server on ${port} still running`);
  });
});
