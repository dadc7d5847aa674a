import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { positionKey, type Boundary } from '../../src/core/position.js';
import { Watermark } from '../../src/pipeline/watermark.js';

const at = (offset: number, file = 'binlog.000001'): Boundary => ({ file, offset });

/** A row change of the transaction that starts at `start`. */
function change(table: string, start: Boundary, index: number): ChangeEvent {
  return {
    kind: 'insert', db: 'db', table, after: { id: String(index) }, position: { ...start, index }, resumeFrom: start,
    origin: 1, commitTime: 0, bytes: 100,
  };
}

describe('Watermark', () => {
  it('starts at the start boundary', () => {
    const watermark = new Watermark(at(4));
    assert.deepEqual(watermark.current(), at(4));
    assert.equal(watermark.pendingCount, 0);
    assert.equal(watermark.currentKey(), positionKey(at(4)));
  });

  it('is the end of the last transaction when nothing is pending', () => {
    const watermark = new Watermark(at(4));
    watermark.transactionEnded(at(200));
    assert.deepEqual(watermark.current(), at(200));
    watermark.transactionEnded({ file: 'binlog.000002', offset: 4, gtid: '0-1-7' });
    assert.deepEqual(watermark.current(), { file: 'binlog.000002', offset: 4, gtid: '0-1-7' });
  });

  it('is the transaction start of the oldest pending change, even after later transactions end', () => {
    const watermark = new Watermark(at(4));
    const t1 = at(100);
    const t2 = at(300);
    watermark.enqueued(change('a', t1, 1));
    watermark.enqueued(change('a', t1, 2));
    watermark.transactionEnded(t2);
    watermark.enqueued(change('b', t2, 1));
    watermark.transactionEnded(at(500));
    assert.deepEqual(watermark.current(), t1);
    assert.equal(watermark.pendingCount, 3);
  });

  it('moves on to the next oldest pending change as changes are applied in order', () => {
    const watermark = new Watermark(at(4));
    const t1 = at(100);
    const t2 = at(300);
    const a1 = change('a', t1, 1);
    const a2 = change('a', t2, 1);
    watermark.enqueued(a1);
    watermark.transactionEnded(t2);
    watermark.enqueued(a2);
    watermark.transactionEnded(at(500));
    watermark.applied([a1]);
    assert.deepEqual(watermark.current(), t2);
    watermark.applied([a2]);
    assert.deepEqual(watermark.current(), at(500));
    assert.equal(watermark.pendingCount, 0);
  });

  it('keeps lane A\'s boundary when lane B, queued later, is applied first', () => {
    const watermark = new Watermark(at(4));
    const t1 = at(100);
    const t2 = at(300);
    const laneA = change('a', t1, 1);
    const laneB = change('b', t2, 1);
    watermark.enqueued(laneA);
    watermark.transactionEnded(t2);
    watermark.enqueued(laneB);
    watermark.transactionEnded(at(500));
    watermark.applied([laneB]);
    assert.deepEqual(watermark.current(), t1);
    assert.equal(watermark.currentKey(), positionKey(t1));
    watermark.applied([laneA]);
    assert.deepEqual(watermark.current(), at(500));
  });

  it('keeps a transaction\'s start while one of its changes is still pending in another lane', () => {
    const watermark = new Watermark(at(4));
    const t1 = at(100);
    const inA = change('a', t1, 1);
    const inB = change('b', t1, 2);
    watermark.enqueued(inA);
    watermark.enqueued(inB);
    watermark.transactionEnded(at(250));
    watermark.applied([inA]);
    assert.deepEqual(watermark.current(), t1);
    watermark.applied([inB]);
    assert.deepEqual(watermark.current(), at(250));
  });

  it('orders boundaries across binlog files by enqueue order, not by file name', () => {
    const watermark = new Watermark(at(4));
    const old = change('a', at(900, 'binlog.000009'), 1);
    const next = change('b', at(4, 'binlog.000010'), 1);
    watermark.enqueued(old);
    watermark.enqueued(next);
    watermark.applied([old]);
    assert.deepEqual(watermark.current(), at(4, 'binlog.000010'));
    assert.ok(positionKey(at(4, 'binlog.000010')) > positionKey(at(900, 'binlog.000009')));
  });

  it('forget() drops a change without applying it', () => {
    const watermark = new Watermark(at(4));
    const skipped = change('a', at(100), 1);
    const kept = change('b', at(300), 1);
    watermark.enqueued(skipped);
    watermark.enqueued(kept);
    watermark.forget(skipped);
    assert.deepEqual(watermark.current(), at(300));
    assert.equal(watermark.pendingCount, 1);
    watermark.transactionEnded(at(400));
    watermark.forget(kept);
    assert.deepEqual(watermark.current(), at(400));
  });

  it('ignores applying or forgetting a change it never saw', () => {
    const watermark = new Watermark(at(4));
    const pending = change('a', at(100), 1);
    watermark.enqueued(pending);
    watermark.applied([change('a', at(100), 1)]);
    watermark.forget(change('a', at(100), 1));
    assert.equal(watermark.pendingCount, 1);
    assert.deepEqual(watermark.current(), at(100));
  });

  it('appliedThrough() is not held back by an undecided XA transaction, current() is', () => {
    const watermark = new Watermark(at(4));
    // An XA prepared at 4 holds the restart point; a transaction 300..400 is read after it.
    const row = { ...change('t', at(300), 1), resumeFrom: at(4) };
    watermark.enqueued(row);
    watermark.transactionEnded(at(400), at(4));
    assert.deepEqual(watermark.current(), at(4));
    assert.deepEqual(watermark.appliedThrough(), at(300), 'the pending change\'s own transaction start');
    watermark.applied([row]);
    assert.deepEqual(watermark.current(), at(4));
    assert.deepEqual(watermark.appliedThrough(), at(400));
    watermark.transactionEnded(at(500));
    assert.deepEqual(watermark.current(), at(500));
  });
});
