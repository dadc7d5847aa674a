import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEndpoint, formatDatabaseUrl, parseDatabaseUrl } from '../../src/config/database-url.js';
import { ScscError } from '../../src/core/scsc-error.js';

function urlError(text: string, field = '--source'): ScscError {
  try {
    parseDatabaseUrl(text, field);
  } catch (error) {
    assert.ok(error instanceof ScscError, `expected ScscError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${text} to be rejected`);
}

/** Everything a user or a log could see of an error. */
function visibleText(error: ScscError): string {
  return [error.message, error.fix, error.toLine(), JSON.stringify(error.toJSON())].join('\n');
}

describe('parseDatabaseUrl: accepted forms', () => {
  it('reads user, password, host, port and database', () => {
    const url = parseDatabaseUrl('mysql://app:Kq7xW2@db.example.com:3307/shop', '--source');
    assert.equal(url.user, 'app');
    assert.equal(url.password, 'Kq7xW2');
    assert.equal(url.host, 'db.example.com');
    assert.equal(url.port, 3307);
    assert.equal(url.database, 'shop');
    assert.deepEqual(url.tls, { mode: 'DISABLED' });
    assert.equal(url.connectTimeoutMs, 10_000);
    assert.equal(url.charset, 'utf8mb4');
    assert.equal(url.display, 'mysql://app:***@db.example.com:3307/shop');
  });

  for (const scheme of ['mysql', 'mariadb', 'mysql+pymysql', 'mysql+mysqldb', 'mysql+mysqlconnector', 'MySQL']) {
    it(`accepts ${scheme}://`, () => {
      const url = parseDatabaseUrl(`${scheme}://root:Rt5vLp@127.0.0.1:3310/app`, '--target');
      assert.equal(url.host, '127.0.0.1');
      assert.equal(url.port, 3310);
      assert.equal(url.database, 'app');
      assert.equal(url.password, 'Rt5vLp');
    });
  }

  it('defaults the port to 3306 and leaves the database undefined when the path is absent or "/"', () => {
    for (const text of ['mysql://root:x1y2z3@localhost', 'mysql://root:x1y2z3@localhost/', 'mysql://root@localhost:']) {
      const url = parseDatabaseUrl(text, '--source');
      assert.equal(url.port, 3306, text);
      assert.equal(url.database, undefined, text);
    }
  });

  it('accepts a user without a password', () => {
    const url = parseDatabaseUrl('mysql://root@localhost/app', '--source');
    assert.equal(url.user, 'root');
    assert.equal(url.password, '');
    assert.equal(url.display, 'mysql://root@localhost:3306/app');
  });

  it('percent-decodes the user, the password (with @ : / # ? %) and the database', () => {
    const url = parseDatabaseUrl('mysql://us%40er:p%40ss%3Aw%2Frd%23x%3Fy%25z@host/my%20db', '--source');
    assert.equal(url.user, 'us@er');
    assert.equal(url.password, 'p@ss:w/rd#x?y%z');
    assert.equal(url.database, 'my db');
  });

  it('takes a raw, unencoded @ in the password up to the last @ before the host', () => {
    const url = parseDatabaseUrl('mysql://u:Pr3@ss@host:3306/db', '--source');
    assert.equal(url.password, 'Pr3@ss');
    assert.equal(url.host, 'host');
  });

  it('reads IPv6 hosts in brackets, with and without a port', () => {
    const withPort = parseDatabaseUrl('mysql://root:Ip6pw9@[::1]:3307/app', '--source');
    assert.equal(withPort.host, '::1');
    assert.equal(withPort.port, 3307);
    assert.equal(withPort.display, 'mysql://root:***@[::1]:3307/app');
    assert.equal(describeEndpoint(withPort), 'root@[::1]:3307/app');
    const withoutPort = parseDatabaseUrl('mysql://root@[fe80::1]/app', '--source');
    assert.equal(withoutPort.host, 'fe80::1');
    assert.equal(withoutPort.port, 3306);
  });

  it('accepts the SQLAlchemy ?charset=utf8mb4 option and other charsets', () => {
    assert.equal(parseDatabaseUrl('mysql+pymysql://u:p1q2r3@h/db?charset=utf8mb4', '--source').charset, 'utf8mb4');
    assert.equal(parseDatabaseUrl('mysql://u:p1q2r3@h/db?charset=LATIN1', '--source').charset, 'latin1');
  });
});

describe('parseDatabaseUrl: TLS and timeout options', () => {
  it('reads ssl-mode case-insensitively under its three spellings', () => {
    assert.equal(parseDatabaseUrl('mysql://u@h/db?ssl-mode=required', '--source').tls.mode, 'REQUIRED');
    assert.equal(parseDatabaseUrl('mysql://u@h/db?sslmode=Preferred', '--source').tls.mode, 'PREFERRED');
    assert.equal(parseDatabaseUrl('mysql://u@h/db?ssl_mode=verify_ca', '--source').tls.mode, 'VERIFY_CA');
    assert.equal(parseDatabaseUrl('mysql://u@h/db?ssl-mode=VERIFY_IDENTITY', '--source').tls.mode, 'VERIFY_IDENTITY');
    assert.equal(parseDatabaseUrl('mysql://u@h/db?ssl-mode=disabled', '--source').tls.mode, 'DISABLED');
  });

  it('allows VERIFY_CA / VERIFY_IDENTITY without a CA file (system CAs)', () => {
    assert.deepEqual(parseDatabaseUrl('mysql://u@h/db?ssl-mode=VERIFY_IDENTITY', '--source').tls, {
      mode: 'VERIFY_IDENTITY',
    });
  });

  it('reads the CA file under ssl-ca, ssl_ca and ca; a CA alone asks for VERIFY_CA', () => {
    for (const key of ['ssl-ca', 'ssl_ca', 'ca']) {
      const url = parseDatabaseUrl(`mysql://u@h/db?${key}=%2Fetc%2Fssl%2Fca.pem`, '--source');
      assert.deepEqual(url.tls, { mode: 'VERIFY_CA', ca: '/etc/ssl/ca.pem' }, key);
    }
  });

  it('reads a client certificate and key; alone they ask for REQUIRED', () => {
    const url = parseDatabaseUrl('mysql://u@h/db?ssl-cert=/c.pem&ssl_key=/k.pem', '--source');
    assert.deepEqual(url.tls, { mode: 'REQUIRED', cert: '/c.pem', key: '/k.pem' });
  });

  it('rejects a certificate without its key and DISABLED with TLS files', () => {
    assert.match(urlError('mysql://u@h/db?ssl-cert=/c.pem').message, /ssl-cert and ssl-key/);
    assert.match(urlError('mysql://u@h/db?ssl-mode=DISABLED&ssl-ca=/ca.pem').message, /DISABLED contradicts/);
  });

  it('rejects an unknown ssl-mode, listing the accepted ones', () => {
    const error = urlError('mysql://u@h/db?ssl-mode=sometimes');
    assert.equal(error.code, 'URL_INVALID');
    assert.match(error.message, /"sometimes".*DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY/);
  });

  it('reads connect-timeout as a duration; a plain number is seconds', () => {
    assert.equal(parseDatabaseUrl('mysql://u@h/db?connect-timeout=10s', '--source').connectTimeoutMs, 10_000);
    assert.equal(parseDatabaseUrl('mysql://u@h/db?connect_timeout=500ms', '--source').connectTimeoutMs, 500);
    assert.equal(parseDatabaseUrl('mysql://u@h/db?connect-timeout=7', '--source').connectTimeoutMs, 7_000);
    assert.match(urlError('mysql://u@h/db?connect-timeout=soon').message, /connect-timeout "soon"/);
    assert.match(urlError('mysql://u@h/db?connect-timeout=0').message, /connect-timeout "0"/);
  });

  it('combines several options', () => {
    const url = parseDatabaseUrl(
      'mysql://u:Opt5ns@h:3308/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem&connect-timeout=1m&charset=utf8',
      '--source',
    );
    assert.deepEqual(url.tls, { mode: 'VERIFY_IDENTITY', ca: '/ca.pem' });
    assert.equal(url.connectTimeoutMs, 60_000);
    assert.equal(url.charset, 'utf8');
  });
});

describe('parseDatabaseUrl: malformed URLs', () => {
  it('rejects an unsupported scheme, naming the field and listing the accepted schemes', () => {
    const error = urlError('postgres://u:Pg8word@h/db', 'SCSC_TARGET_URL');
    assert.equal(error.code, 'URL_INVALID');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /^SCSC_TARGET_URL: unsupported scheme "postgres:\/\/"/);
    assert.match(error.fix, /mysql\+pymysql:\/\//);
  });

  it('rejects text that is not a URL', () => {
    assert.match(urlError('localhost:3306').message, /not a URL/);
    assert.match(urlError('   ').message, /empty/);
  });

  it('rejects a missing host', () => {
    assert.match(urlError('mysql://root:Mh4st@/db').message, /no host/);
    assert.match(urlError('mysql://root@:3306/db').message, /no host/);
  });

  it('rejects a missing user', () => {
    assert.match(urlError('mysql://localhost/db').message, /no user name/);
  });

  it('rejects bad ports', () => {
    for (const port of ['0', '65536', 'abc', '-1', '3306x']) {
      assert.match(urlError(`mysql://u@h:${port}/db`).message, /port must be a number from 1 to 65535/, port);
    }
  });

  it('rejects an IPv6 host without brackets and malformed brackets', () => {
    assert.match(urlError('mysql://u@::1/db').message, /brackets/);
    assert.match(urlError('mysql://u@[::1/db').message, /IPv6/);
    assert.match(urlError('mysql://u@[::1]x/db').message, /IPv6/);
  });

  it('rejects a database path with more than one segment', () => {
    assert.match(urlError('mysql://u@h/db/extra').message, /at most one database/);
  });

  it('rejects unknown options, naming the option and listing the accepted ones', () => {
    const error = urlError('mysql://u:Uk3own@h/db?sslrootcert=/x&charset=utf8');
    assert.match(error.message, /unknown option "sslrootcert"/);
    assert.match(error.fix, /ssl-mode.*ssl-ca.*ssl-cert.*ssl-key.*connect-timeout.*charset/);
  });

  it('rejects an option given twice, also under two spellings, and an option without a value', () => {
    assert.match(urlError('mysql://u@h/db?ssl-mode=REQUIRED&sslmode=DISABLED').message, /ssl-mode is given twice/);
    assert.match(urlError('mysql://u@h/db?charset').message, /has no value/);
  });

  it('rejects an invalid percent-encoding', () => {
    assert.match(urlError('mysql://u:ab%zzcd@h/db').message, /password has a '%'/);
  });
});

describe('parseDatabaseUrl: the password never shows', () => {
  // Each case uses its own password, because passwords registered by earlier cases are masked anyway.
  const cases: Array<[string, string, string[]]> = [
    ['unsupported scheme', 'postgres://u:Leak1Alpha@h/db', ['Leak1Alpha']],
    ['no host after the password', 'mysql://user:Leak2Bravo@', ['Leak2Bravo']],
    ['only "user:password", no @host', 'mysql://user:Leak3Charlie/db', ['Leak3Charlie']],
    ['raw / in the password', 'mysql://u:Leak4Delta/Echo4x@host/db', ['Leak4Delta', 'Echo4x']],
    ['raw # in the password', 'mysql://u:Leak5Fox#Golf5x@host/db', ['Leak5Fox', 'Golf5x']],
    ['raw ? in the password', 'mysql://u:Leak6Hotel?India6x@host/db', ['Leak6Hotel', 'India6x']],
    ['numeric start and raw ?', 'mysql://u:12345?Juliet7x@host/db', ['Juliet7x']],
    ['raw @ and / in the password', 'mysql://u:Leak8Kilo@Lima8x/Mike8x@host/db', ['Leak8Kilo', 'Lima8x', 'Mike8x']],
    ['bad percent-encoding', 'mysql://u:Leak9%zzNovember@h/db', ['Leak9', 'November']],
    ['no scheme', 'user:Leak10Oscar@host/db', ['Leak10Oscar']],
    ['bad port', 'mysql://u:Leak11Papa@host:abc/db', ['Leak11Papa']],
    ['unknown option', 'mysql://u:Leak12Quebec@host/db?foo=bar', ['Leak12Quebec']],
    ['password= option', 'mysql://u@host/db?password=Leak13Romeo', ['Leak13Romeo']],
  ];
  for (const [name, text, fragments] of cases) {
    it(`keeps it out of the error: ${name}`, () => {
      const visible = visibleText(urlError(text));
      for (const fragment of fragments) assert.ok(!visible.includes(fragment), `"${fragment}" leaked in:\n${visible}`);
      assert.match(visible, /\*\*\*/);
    });
  }

  it('formatDatabaseUrl masks the password and describeEndpoint leaves it out', () => {
    const url = parseDatabaseUrl('mysql://app:Fmt%40Secret9@db:3306/shop', '--source');
    assert.equal(formatDatabaseUrl(url), 'mysql://app:***@db:3306/shop');
    assert.equal(formatDatabaseUrl({ ...url, password: 'another-one' }), 'mysql://app:***@db:3306/shop');
    assert.equal(describeEndpoint(url), 'app@db:3306/shop');
    assert.equal(describeEndpoint({ ...url, database: undefined }), 'app@db:3306');
    assert.ok(!JSON.stringify(url.display).includes('Secret9'));
  });
});
