import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { toMysqlConnectionOptions } from '../../src/config/mysql-connection-options.js';
import { ScscError } from '../../src/core/scsc-error.js';

const dir = mkdtempSync(join(tmpdir(), 'scsc-mysql-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const caPath = join(dir, 'ca.pem');
writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
writeFileSync(join(dir, 'client.pem'), 'CLIENT CERT');
writeFileSync(join(dir, 'client.key'), 'CLIENT KEY');

const options = (query: string) =>
  toMysqlConnectionOptions(parseDatabaseUrl(`mysql://app:Opt1ons@db.local:3307/shop${query}`, '--source'));

describe('toMysqlConnectionOptions', () => {
  it('maps the URL and asks for exact values (big numbers and dates as strings, one statement per query)', () => {
    assert.deepEqual(options('?connect-timeout=3s&charset=latin1'), {
      host: 'db.local',
      port: 3307,
      user: 'app',
      password: 'Opt1ons',
      database: 'shop',
      charset: 'latin1',
      connectTimeout: 3000,
      ssl: undefined,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      decimalNumbers: false,
      multipleStatements: false,
    });
  });

  it('leaves database out for a server-wide URL', () => {
    const result = toMysqlConnectionOptions(parseDatabaseUrl('mysql://root@127.0.0.1', '--source'));
    assert.equal('database' in result, false);
  });

  it('uses TLS without verification for REQUIRED and PREFERRED', () => {
    assert.deepEqual(options('?ssl-mode=REQUIRED').ssl, { rejectUnauthorized: false });
    assert.deepEqual(options('?ssl-mode=PREFERRED').ssl, { rejectUnauthorized: false });
  });

  it('reads the CA file for VERIFY_CA and checks the host name only for VERIFY_IDENTITY', () => {
    const ca = `-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`;
    assert.deepEqual(options(`?ssl-mode=VERIFY_CA&ssl-ca=${encodeURIComponent(caPath)}`).ssl, {
      ca,
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
    assert.deepEqual(options(`?ssl-mode=VERIFY_IDENTITY&ca=${encodeURIComponent(caPath)}`).ssl, {
      ca,
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });

  it('verifies against the system CAs when no CA file is given', () => {
    assert.deepEqual(options('?ssl-mode=VERIFY_IDENTITY').ssl, { rejectUnauthorized: true, verifyIdentity: true });
  });

  it('reads a client certificate and key', () => {
    const query = `?ssl-mode=REQUIRED&ssl-cert=${join(dir, 'client.pem')}&ssl-key=${join(dir, 'client.key')}`;
    assert.deepEqual(options(query).ssl, { rejectUnauthorized: false, cert: 'CLIENT CERT', key: 'CLIENT KEY' });
  });

  it('reports an unreadable CA file as CONFIG_FILE_UNREADABLE naming the path, without the password', () => {
    const missing = join(dir, 'missing-ca.pem');
    assert.throws(
      () => options(`?ssl-ca=${missing}`),
      (error: unknown) => {
        assert.ok(error instanceof ScscError);
        assert.equal(error.code, 'CONFIG_FILE_UNREADABLE');
        assert.ok(error.message.includes(missing), error.message);
        assert.match(error.message, /ssl-ca.*ENOENT/);
        assert.match(error.message, /app@db\.local:3307\/shop/);
        assert.ok(!error.toLine().includes('Opt1ons'));
        return true;
      },
    );
  });
});
