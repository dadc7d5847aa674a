import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Subject, type Subscription } from 'rxjs';
import type { ChangeEvent, ChangeKind } from '../../src/core/change-event.js';
import { applyInLanes, type ApplyInLanesOptions, type LaneBatch } from '../../src/pipeline/apply-in-lanes.js';

let sequence = 0;
/** A change named `<table><n>` (kind insert unless told), 100 bytes unless told. */
function change(name: string, rest: { kind?: ChangeKind; bytes?: number } = {}): ChangeEvent {
  const start = { file: 'binlog.000001', offset: 100 };
  return {
    kind: rest.kind ?? 'insert', db: 'db', table: name.replace(/\d+$/, ''), after: { id: name }, sql: name,
    position: { ...start, index: ++sequence }, resumeFrom: start, origin: 1, commitTime: 0, bytes: rest.bytes ?? 100,
  };
}
const ddl = (name: string): ChangeEvent => change(name, { kind: 'ddl' });
const commit = (name: string): ChangeEvent => change(name, { kind: 'commit' });
/** Transaction mode: one lane, batches end only after a commit. */
const transactions = { laneOf: (): string => 'all', endsBatch: (event: ChangeEvent): boolean => event.kind === 'commit' };
const names = (events: readonly ChangeEvent[]): string[] => events.map((e) => e.sql ?? '?');

interface PendingApply {
  batch: LaneBatch;
  prepared: unknown;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Lets the promise callbacks of resolved applies run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function harness(overrides: Partial<ApplyInLanesOptions> = {}) {
  const input = new Subject<ChangeEvent>();
  const applies: PendingApply[] = [];
  const emitted: LaneBatch[] = [];
  const signals: string[] = [];
  const queued: string[] = [];
  const state: { completed: boolean; error: unknown } = { completed: false, error: undefined };
  const options: ApplyInLanesOptions = {
    laneOf: (event) => event.table,
    isBarrier: (event) => event.kind === 'ddl',
    maxRows: 1000,
    maxBytes: 1 << 30,
    apply: (batch, prepared) => new Promise<void>((resolve, reject) => applies.push({ batch, prepared, resolve, reject })),
    highWaterBytes: Number.MAX_SAFE_INTEGER,
    lowWaterBytes: 0,
    pause: () => signals.push(`pause@${queued.length}`),
    resume: () => signals.push(`resume@${queued.length}`),
    onQueued: (event) => queued.push(event.sql ?? '?'),
    ...overrides,
  };
  const subscription: Subscription = input.pipe(applyInLanes(options)).subscribe({
    next: (batch) => emitted.push(batch),
    error: (error: unknown) => { state.error = error; },
    complete: () => { state.completed = true; },
  });
  const push = (...events: ChangeEvent[]): void => { for (const event of events) input.next(event); };
  /** The batches handed to apply, as lane: names. */
  const started = (): string[] => applies.map((a) => `${a.batch.barrier ? 'barrier' : a.batch.lane}:${names(a.batch.events).join(',')}`);
  const finish = async (i: number): Promise<void> => {
    const pending = applies[i];
    assert.ok(pending !== undefined, `apply #${i} was started`);
    pending.resolve();
    await settle();
  };
  return { input, applies, emitted, signals, queued, state, subscription, push, started, finish };
}

describe('applyInLanes: lanes', () => {
  it('runs lanes concurrently: a slow lane does not block another', async () => {
    const h = harness();
    h.push(change('a1'), change('b1'));
    assert.deepEqual(h.started(), ['a:a1', 'b:b1']);
    h.push(change('b2'));
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1', 'b:b2']);
    await h.finish(2);
    assert.deepEqual(h.emitted.map((b) => names(b.events).join(',')), ['b1', 'b2']);
    assert.equal(h.applies[0]?.batch.barrier, false);
  });

  it('keeps each lane\'s order: one batch at a time per lane', async () => {
    const h = harness();
    h.push(change('a1'), change('a2'), change('b1'), change('a3'));
    assert.deepEqual(h.started(), ['a:a1', 'b:b1']);
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1', 'a:a2,a3']);
    await h.finish(2);
    await h.finish(1);
    const laneA = h.emitted.filter((b) => b.lane === 'a').flatMap((b) => names(b.events));
    assert.deepEqual(laneA, ['a1', 'a2', 'a3']);
  });

  it('emits a batch only once its apply has resolved', async () => {
    const h = harness();
    h.push(change('a1'));
    await settle();
    assert.equal(h.emitted.length, 0);
    await h.finish(0);
    assert.deepEqual(h.emitted, [{ lane: 'a', events: h.applies[0]?.batch.events, barrier: false }]);
  });

  it('reports every change to onQueued in source order', () => {
    const h = harness();
    h.push(change('a1'), change('b1'), ddl('d1'), change('a2'));
    assert.deepEqual(h.queued, ['a1', 'b1', 'd1', 'a2']);
  });
});

describe('applyInLanes: greedy batches', () => {
  it('queues what arrives while a batch is in flight and takes it as the next batch, up to maxRows', async () => {
    const h = harness({ maxRows: 3 });
    h.push(change('a1'), change('a2'), change('a3'), change('a4'), change('a5'), change('a6'));
    assert.deepEqual(h.started(), ['a:a1']);
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2,a3,a4']);
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2,a3,a4', 'a:a5,a6']);
  });

  it('cuts batches at maxBytes, but always takes at least one change', async () => {
    const h = harness({ maxBytes: 250 });
    h.push(change('a1'), change('a2'), change('a3'), change('a4', { bytes: 1000 }), change('a5'));
    await h.finish(0);
    assert.deepEqual(h.started().at(-1), 'a:a2,a3');
    await h.finish(1);
    assert.deepEqual(h.started().at(-1), 'a:a4');
    await h.finish(2);
    assert.deepEqual(h.started().at(-1), 'a:a5');
  });
});

describe('applyInLanes: DDL barrier', () => {
  it('waits for every lane to drain, applies the DDL alone, then lets the held changes flow', async () => {
    const h = harness();
    h.push(change('a1'), change('b1'), ddl('d1'), change('a2'), change('c1'));
    assert.deepEqual(h.started(), ['a:a1', 'b:b1']);
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1'], 'lane b still busy: no barrier, a2 held');
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1', 'barrier:d1']);
    assert.equal(h.applies[2]?.batch.lane, '#barrier');
    await settle();
    assert.equal(h.applies.length, 3, 'nothing runs beside the barrier');
    await h.finish(2);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1', 'barrier:d1', 'a:a2', 'c:c1']);
    assert.deepEqual(h.emitted.map((b) => `${b.barrier}:${names(b.events).join(',')}`), ['false:a1', 'false:b1', 'true:d1']);
  });

  it('releases the changes held behind it as whole batches, not one change first', async () => {
    const h = harness();
    h.push(ddl('d1'));
    h.push(change('a1'), change('a2'), change('b1'), change('a3'));
    await h.finish(0);
    assert.deepEqual(h.started(), ['barrier:d1', 'a:a1,a2,a3', 'b:b1']);
  });

  it('waits for changes still queued behind an in-flight batch too', async () => {
    const h = harness();
    h.push(change('a1'), change('a2'), ddl('d1'));
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2']);
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2', 'barrier:d1']);
  });

  it('runs at once when every lane is idle, and runs consecutive barriers one after the other', async () => {
    const h = harness();
    h.push(ddl('d1'), ddl('d2'), change('a1'));
    assert.deepEqual(h.started(), ['barrier:d1']);
    await h.finish(0);
    assert.deepEqual(h.started(), ['barrier:d1', 'barrier:d2']);
    await h.finish(1);
    assert.deepEqual(h.started(), ['barrier:d1', 'barrier:d2', 'a:a1']);
  });

  it('holds a second barrier behind the changes released by the first', async () => {
    const h = harness();
    h.push(ddl('d1'), change('a1'), ddl('d2'), change('b1'));
    await h.finish(0);
    assert.deepEqual(h.started(), ['barrier:d1', 'a:a1']);
    await h.finish(1);
    assert.deepEqual(h.started(), ['barrier:d1', 'a:a1', 'barrier:d2']);
    await h.finish(2);
    assert.deepEqual(h.started(), ['barrier:d1', 'a:a1', 'barrier:d2', 'b:b1']);
  });
});

describe('applyInLanes: backpressure', () => {
  it('pauses when queued bytes reach the high mark and resumes at the low mark', async () => {
    const h = harness({ highWaterBytes: 300, lowWaterBytes: 100 });
    h.push(change('a1'), change('a2'));
    assert.deepEqual(h.signals, []);
    h.push(change('a3'));
    assert.deepEqual(h.signals, ['pause@3']);
    h.push(change('a4'));
    assert.deepEqual(h.signals, ['pause@3'], 'paused once');
    await h.finish(0); // 300 bytes left
    assert.deepEqual(h.signals, ['pause@3']);
    assert.deepEqual(h.started().at(-1), 'a:a2,a3,a4');
    h.push(change('a5'));
    await h.finish(1); // 100 bytes left: the low mark
    assert.deepEqual(h.signals, ['pause@3', 'resume@5']);
  });

  it('counts held and barrier changes as queued until they are applied', async () => {
    const h = harness({ highWaterBytes: 400, lowWaterBytes: 100 });
    h.push(change('a1'), ddl('d1'), change('a2'), change('a3'));
    assert.deepEqual(h.signals, ['pause@4']);
    await h.finish(0); // a1 applied: 300 bytes queued (barrier + 2 held)
    await h.finish(1); // d1 applied: 200
    assert.deepEqual(h.signals, ['pause@4']);
    assert.deepEqual(h.started(), ['a:a1', 'barrier:d1', 'a:a2,a3']);
    await h.finish(2); // a2 and a3 applied: 0, below the low mark
    assert.deepEqual(h.signals, ['pause@4', 'resume@4']);
  });
});

describe('applyInLanes: transaction mode (endsBatch)', () => {
  it('waits for the commit before applying a transaction', async () => {
    const h = harness(transactions);
    h.push(change('r1'), change('r2'));
    await settle();
    assert.deepEqual(h.started(), []);
    h.push(commit('c1'));
    assert.deepEqual(h.started(), ['all:r1,r2,c1']);
  });

  it('never cuts a batch before a commit, even beyond maxRows', async () => {
    const h = harness({ ...transactions, maxRows: 2 });
    h.push(change('r1'), commit('c1'));
    h.push(change('r2'), commit('c2'), change('r3'), change('r4'), change('r5'), commit('c3'), change('r6'));
    assert.deepEqual(h.started(), ['all:r1,c1']);
    await h.finish(0);
    assert.deepEqual(h.started().at(-1), 'all:r2,c2');
    await h.finish(1);
    assert.deepEqual(h.started().at(-1), 'all:r3,r4,r5,c3');
    await h.finish(2);
    assert.equal(h.applies.length, 3, 'r6 waits for its commit');
    h.push(commit('c4'));
    assert.deepEqual(h.started().at(-1), 'all:r6,c4');
    for (const { batch } of h.applies) assert.equal(batch.events.at(-1)?.kind, 'commit');
  });

  it('resumes the reader while a transaction waits for its commit, even above the high mark', () => {
    const h = harness({ ...transactions, highWaterBytes: 200, lowWaterBytes: 50 });
    h.push(change('r1'), change('r2'));
    assert.deepEqual(h.signals, ['pause@2', 'resume@2']);
  });

  it('fails with TRANSACTION_TOO_LARGE once one transaction holds more than maxTransactionBytes before its commit', async () => {
    const h = harness({ ...transactions, maxTransactionBytes: 350 });
    // Committed transactions add up past the limit, but none alone: no error.
    h.push(change('r1'), change('r2'), commit('c1'), change('r3'), change('r4'), commit('c2'), change('r5'), change('r6'), change('r7'));
    await settle();
    assert.equal(h.state.error, undefined);
    h.push(change('r8'));
    assert.equal(h.state.error, undefined, 'delivered once the batch in flight has settled');
    await h.finish(0);
    const error = h.state.error as { code?: string; message?: string; fix?: string } | undefined;
    assert.equal(error?.code, 'TRANSACTION_TOO_LARGE');
    assert.match(error?.message ?? '', /starting at binlog\.000001:100/);
    assert.match(error?.fix ?? '', /--max-transaction-mib/);
    h.push(commit('c3'));
    assert.deepEqual(h.started(), ['all:r1,r2,c1'], 'nothing of the oversized transaction is applied');
  });
});

describe('applyInLanes: errors and completion', () => {
  it('errors the stream when an apply rejects, and starts no further batch', async () => {
    const failures: unknown[] = [];
    const h = harness({ onFailure: (error) => failures.push(error) });
    h.push(change('a1'), change('a2'), change('b1'));
    const failure = new Error('target refused');
    h.applies[0]?.reject(failure);
    await settle();
    assert.deepEqual(failures, [failure], 'onFailure is told at once');
    h.push(change('b2'), change('c1'));
    await h.finish(1);
    assert.equal(h.state.error, failure);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1']);
    assert.equal(h.state.completed, false);
  });

  it('delivers the error only once the batches in flight have settled (the lock outlives every write)', async () => {
    const h = harness();
    h.push(change('a1'), change('b1'), change('c1'));
    const failure = new Error('target refused');
    h.applies[0]?.reject(failure);
    await settle();
    assert.equal(h.state.error, undefined, 'b1 and c1 are still in flight');
    await h.finish(1);
    assert.equal(h.state.error, undefined, 'c1 is still in flight');
    h.applies[2]?.reject(new Error('lost connection'));
    await settle();
    assert.equal(h.state.error, failure, 'the first error is the one delivered');
    assert.deepEqual(h.emitted.map((b) => names(b.events).join(',')), ['b1'], 'a batch that committed after the failure is still reported');
  });

  it('delivers a source error only once a DDL barrier being applied has settled', async () => {
    const h = harness();
    h.push(ddl('d1'));
    assert.deepEqual(h.started(), ['barrier:d1']);
    const failure = new Error('binlog gone');
    h.input.error(failure);
    assert.equal(h.state.error, undefined, 'the DDL is in flight');
    await h.finish(0);
    assert.equal(h.state.error, failure);
  });

  it('stops reading the source at the failure, while batches in flight are still settling', async () => {
    const h = harness();
    h.push(change('a1'), change('b1'));
    assert.equal(h.input.observed, true);
    h.applies[0]?.reject(new Error('target refused'));
    await settle();
    assert.equal(h.input.observed, false, 'unsubscribed from the source at once');
    assert.equal(h.state.error, undefined);
    await h.finish(1);
    assert.match(String(h.state.error), /target refused/);
  });

  it('fails the stream (no hang) when apply throws instead of rejecting', async () => {
    const h = harness({ apply: () => { throw new Error('thrown'); } });
    h.push(change('a1'));
    await settle();
    assert.match(String(h.state.error), /thrown/);
  });

  it('delivers a failing prepare\'s error after the lane\'s batch in flight has settled', async () => {
    let calls = 0;
    const h = harness({ maxRows: 1, prepare: () => { if (++calls === 2) throw new Error('no such table'); return calls; } });
    h.push(change('a1'), change('a2'));
    assert.deepEqual(h.started(), ['a:a1']);
    assert.equal(h.state.error, undefined, 'a1 is in flight');
    await h.finish(0);
    assert.match(String(h.state.error), /no such table/);
    assert.deepEqual(h.started(), ['a:a1']);
  });

  it('errors the stream when the source errors', () => {
    const h = harness();
    const failure = new Error('binlog gone');
    h.input.error(failure);
    assert.equal(h.state.error, failure);
  });

  it('completes at once when the source completes with nothing in flight', () => {
    const h = harness();
    h.input.complete();
    assert.equal(h.state.completed, true);
  });

  it('waits for in-flight and queued batches before completing', async () => {
    const h = harness();
    h.push(change('a1'), change('a2'), change('b1'));
    h.input.complete();
    assert.equal(h.state.completed, false);
    await h.finish(0);
    assert.equal(h.state.completed, false);
    await h.finish(1);
    assert.equal(h.state.completed, false, 'a2 still to apply');
    await h.finish(2);
    assert.equal(h.state.completed, true);
    assert.deepEqual(h.emitted.flatMap((b) => names(b.events)).sort(), ['a1', 'a2', 'b1']);
  });

  it('waits for a pending barrier and the changes it holds before completing', async () => {
    const h = harness();
    h.push(change('a1'), ddl('d1'), change('a2'));
    h.input.complete();
    await h.finish(0);
    await h.finish(1);
    assert.equal(h.state.completed, false);
    await h.finish(2);
    assert.equal(h.state.completed, true);
  });
});

describe('applyInLanes: stopping', () => {
  it('starts no new batch once stopping, and completes when the in-flight batches end', async () => {
    let stop = false;
    const h = harness({ stopping: () => stop });
    h.push(change('a1'), change('a2'), change('b1'), ddl('d1'));
    stop = true;
    h.push(change('c1'));
    h.input.complete();
    assert.equal(h.state.completed, false);
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1'], 'a2 not started');
    assert.equal(h.state.completed, false, 'b1 still in flight');
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'b:b1'], 'no barrier either');
    assert.equal(h.state.completed, true);
    assert.equal(h.state.error, undefined);
  });

  it('completes at once when stopping with nothing in flight, leaving queued changes unapplied', async () => {
    let stop = false;
    const h = harness({ ...transactions, stopping: () => stop });
    h.push(change('r1'));
    stop = true;
    h.input.complete();
    await settle();
    assert.equal(h.state.completed, true);
    assert.deepEqual(h.started(), []);
  });

  // A downstream unsubscribe (take, timeout, a failing sibling) only unsubscribes the source: each
  // finishing batch still pumps its lane, so queued changes keep being written after teardown.
  it('starts no new batch after the subscriber unsubscribes', async () => {
    const h = harness();
    h.push(change('a1'), change('a2'));
    h.subscription.unsubscribe();
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1']);
  });
});

describe('applyInLanes: preparing the next batch', () => {
  const preparing = (log: string[]): Partial<ApplyInLanesOptions> => ({
    prepare: (batch) => {
      const text = names(batch.events).join(',');
      log.push(text);
      return `prepared ${text}`;
    },
  });

  it('prepares a lane\'s next full batch while its batch is in flight and applies it right after, in order', async () => {
    const log: string[] = [];
    const h = harness({ maxRows: 2, ...preparing(log) });
    h.push(change('a1'), change('a2'));
    assert.deepEqual(log, ['a1'], 'a lone a2 is not a full batch yet');
    h.push(change('a3'), change('a4'), change('a5'));
    assert.deepEqual(log, ['a1', 'a2,a3'], 'one batch prepared ahead, no more');
    assert.deepEqual(h.started(), ['a:a1']);
    assert.equal(h.applies[0]?.prepared, 'prepared a1');
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2,a3']);
    assert.equal(h.applies[1]?.prepared, 'prepared a2,a3', 'apply gets what prepare made');
    assert.deepEqual(log, ['a1', 'a2,a3', 'a4,a5']);
    await h.finish(1);
    await h.finish(2);
    assert.deepEqual(h.emitted.map((b) => names(b.events).join(',')), ['a1', 'a2,a3', 'a4,a5']);
  });

  it('prepares a smaller batch ahead when reading is paused', () => {
    const log: string[] = [];
    const h = harness({ maxRows: 10, highWaterBytes: 300, lowWaterBytes: 100, ...preparing(log) });
    h.push(change('a1'), change('a2'));
    assert.deepEqual(log, ['a1']);
    h.push(change('a3'));
    assert.deepEqual(h.signals, ['pause@3']);
    assert.deepEqual(log, ['a1', 'a2,a3']);
  });

  it('runs a DDL barrier only after the batches prepared before it', async () => {
    const log: string[] = [];
    const h = harness({ maxRows: 2, ...preparing(log) });
    h.push(change('a1'), change('a2'), change('a3'), ddl('d1'), change('a4'));
    assert.deepEqual(log, ['a1', 'a2,a3']);
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2,a3']);
    await h.finish(1);
    assert.deepEqual(h.started(), ['a:a1', 'a:a2,a3', 'barrier:d1']);
    await h.finish(2);
    assert.deepEqual(h.started().at(-1), 'a:a4');
  });

  it('fails the stream when prepare throws', () => {
    const h = harness({ prepare: () => { throw new Error('no such table'); } });
    h.push(change('a1'));
    assert.match(String(h.state.error), /no such table/);
    assert.deepEqual(h.started(), []);
  });

  it('leaves a prepared batch unapplied when stopping', async () => {
    let stop = false;
    const log: string[] = [];
    const h = harness({ maxRows: 1, stopping: () => stop, ...preparing(log) });
    h.push(change('a1'), change('a2'));
    assert.deepEqual(log, ['a1', 'a2']);
    stop = true;
    h.input.complete();
    await h.finish(0);
    assert.deepEqual(h.started(), ['a:a1']);
    assert.equal(h.state.completed, true);
  });
});
