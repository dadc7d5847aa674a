import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, redactText, redactValue, registerSecret } from '../../src/core/redact.js';

describe('redactText', () => {
  it('masks the password of URLs of any scheme, keeping the rest', () => {
    assert.equal(redactText('connecting to mysql://app:Hx8kq2@db:3306/shop'), 'connecting to mysql://app:***@db:3306/shop');
    assert.equal(redactText('mysql+pymysql://root:Zz9@127.0.0.1/x'), 'mysql+pymysql://root:***@127.0.0.1/x');
    assert.equal(redactText('kafka sasl://svc:tok3n@broker:9092'), 'kafka sasl://svc:***@broker:9092');
  });

  it('masks every URL in a text', () => {
    assert.equal(
      redactText('from mysql://a:Aa1x@h1/db to mysql://b:Bb2y@h2/db'),
      'from mysql://a:***@h1/db to mysql://b:***@h2/db',
    );
  });

  it('masks a password holding a raw @, / or ? whole', () => {
    assert.equal(redactText('mysql://u:Pq@r5@host/db'), 'mysql://u:***@host/db');
    assert.equal(redactText('mysql://u:Pq/r5@host/db'), 'mysql://u:***@host/db');
    assert.equal(redactText('mysql://u:Pq@r5@host'), 'mysql://u:***@host');
    assert.equal(redactText('"mysql://u:Pq@r5@host","next@thing"'), '"mysql://u:***@host","next@thing"');
  });

  it('leaves URLs without a password and documentation placeholders alone', () => {
    assert.equal(redactText('mysql://root@localhost:3306/db'), 'mysql://root@localhost:3306/db');
    assert.equal(
      redactText('Use mysql://user:password@host:port/database'),
      'Use mysql://user:password@host:port/database',
    );
  });

  it('masks password=, passwd= and pwd= parameters', () => {
    assert.equal(redactText('mysql://h/db?user=u&password=S3cr3t&x=1'), 'mysql://h/db?user=u&password=***&x=1');
    assert.equal(redactText('PWD=abc123 passwd=xyz789'), 'PWD=*** passwd=***');
  });

  it('masks registered secrets wherever they appear, also URL-encoded', () => {
    registerSecret('Reg!st3red@Secret/1');
    assert.equal(
      redactText("Access denied for 'u' (using password Reg!st3red@Secret/1)"),
      `Access denied for 'u' (using password ${REDACTED})`,
    );
    assert.equal(redactText('dsn=h?pw=Reg!st3red%40Secret%2F1'), `dsn=h?pw=${REDACTED}`);
  });

  it('masks a registered password even when it is the word "password"', () => {
    registerSecret('password');
    assert.equal(redactText('mysql://u:password@h/db'), `mysql://u:${REDACTED}@h/db`);
  });

  it('ignores empty and undefined secrets and does not mask secrets shorter than 3 characters', () => {
    registerSecret(undefined);
    registerSecret('');
    registerSecret('ab');
    assert.equal(redactText('a tab in the cabin'), 'a tab in the cabin');
  });
});

describe('redactValue', () => {
  it('redacts strings at any depth and masks password-like keys, without changing the input', () => {
    registerSecret('DeepSecret42');
    const input = {
      url: 'mysql://u:Top1x@h/db',
      nested: { list: ['plain', 'token DeepSecret42 here', { password: 'whatever', other: 1 }] },
      password: 'p',
      secret: 's',
      token: 't',
      sasl: { mechanism: 'plain' },
      emptyPassword: '',
      passwd: '',
      count: 3,
      flag: true,
      nothing: null,
      when: new Date(0),
    };
    const out = redactValue(input);
    assert.deepEqual(out, {
      url: 'mysql://u:***@h/db',
      nested: { list: ['plain', 'token *** here', { password: REDACTED, other: 1 }] },
      password: REDACTED,
      secret: REDACTED,
      token: REDACTED,
      sasl: REDACTED,
      emptyPassword: '',
      passwd: '',
      count: 3,
      flag: true,
      nothing: null,
      when: new Date(0),
    });
    assert.equal(input.password, 'p');
    assert.equal(input.url, 'mysql://u:Top1x@h/db');
  });

  it('redacts a plain string and leaves non-objects as they are', () => {
    assert.equal(redactValue('mysql://u:Abc9@h'), 'mysql://u:***@h');
    assert.equal(redactValue(7), 7);
    assert.equal(redactValue(undefined), undefined);
  });
});
