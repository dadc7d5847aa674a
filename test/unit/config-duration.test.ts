import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it('reads single units', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1d'), 86_400_000);
  });

  it('reads compound and fractional durations, upper case and spaced', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1m30s500ms'), 90_500);
    assert.equal(parseDuration('1.5s'), 1_500);
    assert.equal(parseDuration(' 2H 15M '), 8_100_000);
  });

  it('reads a plain number (string or number) as seconds', () => {
    assert.equal(parseDuration('30'), 30_000);
    assert.equal(parseDuration(0.25), 250);
    assert.equal(parseDuration(10), 10_000);
  });

  it('returns undefined for anything else', () => {
    for (const text of ['', 'soon', '10 minutes', '5x', 'h1', '-5s', '1h-30m', '1.s', 's']) {
      assert.equal(parseDuration(text), undefined, text);
    }
    assert.equal(parseDuration(-1), undefined);
    assert.equal(parseDuration(Number.NaN), undefined);
  });
});
