import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { streamLockName } from '../../src/checkpoint/stream-lock.js';

describe('streamLockName', () => {
  it('names the target database and the stream', () => {
    assert.equal(streamLockName('app', '127.0.0.1:3306/shop'), 'scsc:app:127.0.0.1:3306/shop');
  });

  it('hashes a name MySQL would refuse (over 64 characters), keeping streams apart', () => {
    const host = `${'replica-'.repeat(8)}.example.com:3306`;
    const a = streamLockName('app', `${host}/shop`);
    const b = streamLockName('app', `${host}/shop2`);
    assert.ok(a.startsWith('scsc:') && a.length <= 64, a);
    assert.notEqual(a, b);
    assert.equal(streamLockName('app', `${host}/shop`), a, 'the same stream always gets the same lock');
  });
});
