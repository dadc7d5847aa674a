import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CODES, type ErrorCode } from '../../src/core/error-codes.js';
import { registerSecret } from '../../src/core/redact.js';
import { isScscError, ScscError } from '../../src/core/scsc-error.js';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe('ERROR_CODES', () => {
  for (const code of codes) {
    it(`${code} documents an exit status, a cause and a fix`, () => {
      const entry = ERROR_CODES[code];
      assert.ok(Number.isInteger(entry.exit) && entry.exit >= 2 && entry.exit <= 125, `exit ${entry.exit}`);
      assert.ok(entry.cause.trim().length > 0);
      assert.ok(entry.fix.trim().length > 0);
      assert.ok(!entry.cause.includes('\n') && !entry.fix.includes('\n'));
    });
  }

  it('gives exit status 2 to usage and configuration errors', () => {
    for (const code of ['USAGE', 'CONFIG_INVALID', 'URL_INVALID', 'URL_MISSING', 'CONFIG_FILE_UNREADABLE'] as const) {
      assert.equal(ERROR_CODES[code].exit, 2, code);
      assert.equal(new ScscError(code, 'x').exitCode, 2, code);
    }
  });

  it('never uses exit status 1, which means "differences remain"', () => {
    const exits: number[] = codes.map((code) => ERROR_CODES[code].exit);
    assert.ok(!exits.includes(1));
  });
});

describe('ScscError', () => {
  it('carries the code, the message, the documented fix and the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ScscError('CONNECTION_REFUSED', 'cannot connect to app@db:3306', { cause });
    assert.ok(error instanceof Error);
    assert.ok(isScscError(error));
    assert.ok(!isScscError(cause));
    assert.equal(error.name, 'ScscError');
    assert.equal(error.code, 'CONNECTION_REFUSED');
    assert.equal(error.message, 'cannot connect to app@db:3306');
    assert.equal(error.fix, ERROR_CODES.CONNECTION_REFUSED.fix);
    assert.equal(error.cause, cause);
    assert.equal(error.exitCode, 3);
    assert.deepEqual(error.details, {});
  });

  it('uses a specific fix when given', () => {
    assert.equal(new ScscError('USAGE', 'x', { fix: 'Pass --target' }).fix, 'Pass --target');
  });

  it('toLine is one line with the code, the message and the fix', () => {
    const error = new ScscError('CONFIG_INVALID', 'invalid batch-size "x" (from flag --batch-size)', { fix: 'Change it' });
    const line = error.toLine();
    assert.equal(line, 'error CONFIG_INVALID: invalid batch-size "x" (from flag --batch-size) (fix: Change it)');
    assert.ok(!line.includes('\n'));
  });

  it('redacts URL passwords and registered secrets in the message and the fix', () => {
    registerSecret('Err0rS3cret');
    const error = new ScscError('AUTH_FAILED', 'login failed for mysql://app:Pw1x9@db/shop using Err0rS3cret', {
      fix: 'Check the password Err0rS3cret in mysql://app:Pw1x9@db/shop',
    });
    const visible = [error.message, error.fix, error.toLine(), JSON.stringify(error.toJSON())].join('\n');
    assert.ok(!visible.includes('Pw1x9'));
    assert.ok(!visible.includes('Err0rS3cret'));
    assert.match(error.message, /mysql:\/\/app:\*\*\*@db\/shop/);
  });

  it('toJSON gives code, message, fix and details', () => {
    const error = new ScscError('URL_MISSING', 'the command needs --target', { details: { field: 'target' } });
    assert.deepEqual(error.toJSON(), {
      code: 'URL_MISSING',
      message: 'the command needs --target',
      fix: ERROR_CODES.URL_MISSING.fix,
      details: { field: 'target' },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), error.toJSON());
  });
});
