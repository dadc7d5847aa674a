import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbBinariesPresent } from '../../src/sandbox/mariadb-server.js';
import { portAcceptsConnections } from '../env/net-probe.js';
import { runCli } from '../env/run-cli.js';

const skip = mariaDbBinariesPresent() ? undefined : 'the demo needs mariadbd; install with: sudo apt-get install -y mariadb-server';
if (skip !== undefined && process.env.CI === 'true') throw new Error(skip);

describe('scsc demo (the README\'s first command)', { skip }, () => {
  it('starts two servers, shows a clean and a broken preflight, then removes the servers', async () => {
    const result = await runCli(['demo']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /== 1\. a well-configured pair ==[\s\S]*ready for replicate: no blockers/);
    assert.match(result.stdout, /BLOCKER {2}\[binlog\.row-image\]/);
    assert.match(result.stdout, /BLOCKER {2}\[table\.no-key\] source table audit_log/);
    assert.match(result.stdout, /BLOCKER {2}\[privilege\.missing\] target/);
    assert.match(result.stdout, /demo passed/);
    assert.doesNotMatch(result.stdout + result.stderr, /demo-secret/);

    const ports = [...result.stderr.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    assert.equal(new Set(ports).size, 2, `two servers expected in the log:\n${result.stderr}`);
    for (const port of ports) assert.equal(await portAcceptsConnections(port), false, `server on ${port} still running`);
  });
});
