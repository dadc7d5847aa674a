import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findBinary } from '../../src/sandbox/find-binary.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';

const opensslSkip = findBinary('openssl') === undefined ? 'TLS tests need openssl; install with: sudo apt-get install -y openssl' : undefined;
if (opensslSkip !== undefined && process.env.CI === 'true') throw new Error(opensslSkip);

const dir = mkdtempSync(join(tmpdir(), 'scsc-tls-'));
const path = (name: string): string => join(dir, name);

function makeCa(name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', path(`${name}.key`), '-out', path(`${name}.pem`)], { stdio: 'ignore' });
}

if (opensslSkip === undefined) {
  makeCa('scsc-test-ca');
  makeCa('other-ca');
  // The certificate names a host, not 127.0.0.1: VERIFY_CA accepts it there, VERIFY_IDENTITY must not.
  writeFileSync(path('san.cnf'), 'subjectAltName=DNS:db.scsc.test\n');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=db.scsc.test', '-keyout', path('server.key'), '-out', path('server.csr')], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', path('server.csr'), '-CA', path('scsc-test-ca.pem'), '-CAkey', path('scsc-test-ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', path('san.cnf'), '-out', path('server.pem')], { stdio: 'ignore' });
}

const servers = mariaDbServersForTests(opensslSkip !== undefined ? {} as { tls: object } : {
  tls: { extraArgs: [`--ssl-ca=${path('scsc-test-ca.pem')}`, `--ssl-cert=${path('server.pem')}`, `--ssl-key=${path('server.key')}`] },
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  ok: boolean;
  findings: Array<{ check: string; severity: string; message: string }>;
}

async function check(url: string): Promise<{ code: number; report: Report }> {
  const result = await runCli(['check', '--json', '--for', 'sync', '--source', url]);
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

describe('TLS options in the URL, against a MariaDB server with a certificate', { skip: opensslSkip ?? servers.skip }, () => {
  before(async () => {
    await servers.tls.sql("CREATE DATABASE app; CREATE USER 'secure'@'%' IDENTIFIED BY 'pw-tls-1' REQUIRE SSL; GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO 'secure'@'%'");
  });

  it('connects with ssl-mode=VERIFY_CA and the right CA file', async () => {
    const url = `${servers.tls.url('app', 'secure', 'pw-tls-1')}?ssl-mode=VERIFY_CA&ssl-ca=${encodeURIComponent(path('scsc-test-ca.pem'))}`;
    const { code, report } = await check(url);
    assert.equal(code, 0, JSON.stringify(report.findings));
  });

  it('refuses with VERIFY_IDENTITY when the certificate does not name the host connected to', async () => {
    const url = `${servers.tls.url('app', 'secure', 'pw-tls-1')}?ssl-mode=VERIFY_IDENTITY&ssl-ca=${encodeURIComponent(path('scsc-test-ca.pem'))}`;
    const { code, report } = await check(url);
    assert.equal(code, 1);
    assert.equal(report.findings[0]?.check, 'connect.tls_failed');
    assert.match(report.findings[0]?.message ?? '', /127\.0\.0\.1|altname|Hostname/i);
  });

  it('encrypts without verifying with ssl-mode=REQUIRED', async () => {
    const { code } = await check(`${servers.tls.url('app', 'secure', 'pw-tls-1')}?ssl-mode=REQUIRED`);
    assert.equal(code, 0);
  });

  it('fails with TLS_FAILED when the certificate is signed by another CA', async () => {
    const { code, report } = await check(`${servers.tls.url('app', 'secure', 'pw-tls-1')}?ssl-mode=VERIFY_CA&ssl-ca=${encodeURIComponent(path('other-ca.pem'))}`);
    assert.equal(code, 1);
    assert.equal(report.findings[0]?.check, 'connect.tls_failed');
    assert.equal(report.findings[0]?.severity, 'blocker');
  });

  it('is refused by a REQUIRE SSL account when TLS is off', async () => {
    const { code, report } = await check(`${servers.tls.url('app', 'secure', 'pw-tls-1')}?ssl-mode=DISABLED`);
    assert.equal(code, 1);
    assert.equal(report.findings[0]?.check, 'connect.auth_failed');
    assert.doesNotMatch(JSON.stringify(report), /pw-tls-1/);
  });

  it('names an unreadable CA file as a configuration error (exit 2)', async () => {
    const result = await runCli(['check', '--source', `${servers.tls.url('app')}?ssl-mode=VERIFY_CA&ssl-ca=/nonexistent/ca.pem`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^scsc: error CONFIG_FILE_UNREADABLE: cannot read the ssl-ca file \/nonexistent\/ca\.pem/);
  });
});
