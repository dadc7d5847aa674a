import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRetry } from '../../src/sink/apply-retry.js';

const deadlock = (): Error => Object.assign(new Error('Deadlock found when trying to get lock'), { errno: 1213 });
const duplicate = (): Error => Object.assign(new Error('Duplicate entry'), { errno: 1062 });

/** A write that fails with the given errors in turn, then returns 'done'; counts its attempts. */
function failing(errors: Array<() => Error>): { work: () => Promise<string>; attempts: () => number } {
  let attempts = 0;
  return {
    work: () => {
      const error = errors[attempts++];
      return error === undefined ? Promise.resolve('done') : Promise.reject(error());
    },
    attempts: () => attempts,
  };
}

describe('withRetry', () => {
  it('retries transient errors until the write succeeds, and says so before each wait', async () => {
    const write = failing([deadlock, deadlock]);
    const waits: number[] = [];
    const result = await withRetry(write.work, { firstMs: 5, maxMs: 7, stop: new AbortController().signal, onRetry: (_e, _a, ms) => waits.push(ms) });
    assert.equal(result, 'done');
    assert.equal(write.attempts(), 3);
    assert.deepEqual(waits, [5, 7]);
  });

  it('throws a permanent error at once', async () => {
    const write = failing([duplicate]);
    await assert.rejects(withRetry(write.work, { firstMs: 5, maxMs: 5, stop: new AbortController().signal, onRetry: () => undefined }), /Duplicate entry/);
    assert.equal(write.attempts(), 1);
  });

  it('once stopped, cuts a wait short for one last attempt at once', async () => {
    for (const [errors, outcome] of [[[deadlock], 'done'], [[deadlock, deadlock], 'error']] as const) {
      const write = failing([...errors]);
      const stop = new AbortController();
      const started = performance.now();
      const retried = withRetry(write.work, { firstMs: 60_000, maxMs: 60_000, stop: stop.signal, onRetry: () => setTimeout(() => stop.abort(), 20) });
      if (outcome === 'done') assert.equal(await retried, 'done');
      else await assert.rejects(retried, /Deadlock/);
      assert.ok(performance.now() - started < 5_000, 'the 60 s wait was cut short');
      assert.equal(write.attempts(), 2, 'one last attempt after the stop, none after it');
    }
  });

  it('does not wait once stopped: a transient error is thrown', async () => {
    const write = failing([deadlock]);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(withRetry(write.work, { firstMs: 60_000, maxMs: 60_000, stop: stop.signal, onRetry: () => undefined }), /Deadlock/);
    assert.equal(write.attempts(), 1);
  });
});
