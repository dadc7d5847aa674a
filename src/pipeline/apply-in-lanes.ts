import { Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { ChangeEvent } from '../core/change-event.js';
import { describePosition } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';

export interface LaneBatch {
  lane: string;
  events: ChangeEvent[];
  /** A DDL barrier: applied alone, after every earlier change of every lane. */
  barrier: boolean;
}

export interface ApplyInLanesOptions<P = unknown> {
  /** The lane of a change: its table (order kept per table), or one lane for transaction consistency. */
  laneOf: (event: ChangeEvent) => string;
  /** DDL: waits for every lane to drain, is applied alone, then the changes behind it flow again. */
  isBarrier: (event: ChangeEvent) => boolean;
  /** Greedy batch limits: a batch takes what is queued in its lane, up to these. */
  maxRows: number;
  maxBytes: number;
  /** In transaction mode a batch ends only after a commit, so no source transaction is split. */
  endsBatch?: (event: ChangeEvent) => boolean;
  /**
   * Transaction mode: the most bytes of changes one source transaction may queue before its commit
   * arrives (the reader cannot pause inside it); past it the stream fails with TRANSACTION_TOO_LARGE.
   */
  maxTransactionBytes?: number;
  /**
   * Synchronous work on a batch before it is applied (building its statements). With it, a lane whose
   * batch is in flight takes and prepares its next batch as soon as a full one is queued (or reading is
   * paused), so that work overlaps the target's; apply gets the result. Without it, a batch is taken
   * when its lane is free.
   */
  prepare?: (batch: LaneBatch) => P;
  apply: (batch: LaneBatch, prepared: P | undefined) => Promise<void>;
  /** Backpressure: called when queued bytes cross the high mark, and again below the low mark. */
  highWaterBytes: number;
  lowWaterBytes: number;
  pause: () => void;
  resume: () => void;
  /** Every change as it is queued (for the watermark). */
  onQueued?: (event: ChangeEvent) => void;
  /** The bytes of changes queued and not yet applied, after every change. */
  onQueueBytes?: (bytes: number) => void;
  /** Once true, no new batch starts: the stream completes when the batches in flight are done. */
  stopping?: () => boolean;
  /**
   * Called at once on the first error (an apply, a prepare, the source). The stream errors only when
   * the batches then in flight have settled, so that whoever holds the target learns of the failure
   * after the last write of this stream has committed or failed; this lets them end retries sooner.
   */
  onFailure?: (error: unknown) => void;
}

interface Lane<P> {
  queue: ChangeEvent[];
  busy: boolean;
  /** The batch taken and prepared while the one before it is in flight. */
  next: { events: ChangeEvent[]; prepared: P } | undefined;
  /** Transaction mode: the queue length just after its last transaction end (0: none queued yet). */
  safeEnd: number;
  /** Transaction mode: bytes queued since the last transaction end. */
  openBytes: number;
}

/**
 * Applies changes in per-lane order with lanes running in parallel: each lane writes one greedy
 * batch at a time (wait for the first change, take what has queued up behind it within the limits).
 * Emits every applied batch. A lane error ends the stream with it; completion waits for every lane.
 *
 * Lanes are plain queues rather than groupBy + mergeMap: a concurrency-limited mergeMap drops the
 * changes of groups it has not subscribed to, and this also lets queued bytes drive backpressure.
 */
export function applyInLanes<P = unknown>(options: ApplyInLanesOptions<P>): OperatorFunction<ChangeEvent, LaneBatch> {
  return (source) => new Observable<LaneBatch>((subscriber) => {
    const lanes = new Map<string, Lane<P>>();
    let held: ChangeEvent[] = [];
    let barrier: ChangeEvent | undefined;
    let barrierRunning = false;
    let queuedBytes = 0;
    let paused = false;
    let upstreamDone = false;
    let failed = false;
    let failure: unknown;
    let closed = false;
    let inFlight = 0;
    // The source's subscription; a failure during subscribe() ends it as soon as subscribe returns.
    const upstream: { subscription: Subscription | undefined; failedEarly: boolean } = { subscription: undefined, failedEarly: false };

    const account = (delta: number): void => {
      queuedBytes += delta;
      options.onQueueBytes?.(queuedBytes);
      if (!paused && queuedBytes >= options.highWaterBytes) {
        paused = true;
        options.pause();
      } else if (paused && queuedBytes <= options.lowWaterBytes) {
        paused = false;
        options.resume();
      }
    };
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      failure = error;
      try {
        if (upstream.subscription === undefined) upstream.failedEarly = true;
        else upstream.subscription.unsubscribe();
        options.onFailure?.(error);
      } finally {
        if (inFlight === 0) subscriber.error(error);
      }
    };
    /** The apply's promise; one that throws instead of rejecting counts as rejected. */
    const applying = (batch: LaneBatch, prepared: P | undefined): Promise<void> => {
      try {
        return options.apply(batch, prepared);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    /** An apply has settled: the last one to settle after a failure delivers the error. */
    const settled = (): void => {
      inFlight--;
      if (failed && inFlight === 0) subscriber.error(failure);
    };
    const idle = (): boolean => [...lanes.values()].every((lane) => !lane.busy && lane.queue.length === 0 && lane.next === undefined);
    const stopping = (): boolean => options.stopping?.() === true;
    const maybeComplete = (): void => {
      if (failed || !upstreamDone) return;
      const drained = stopping() ? !barrierRunning && [...lanes.values()].every((lane) => !lane.busy) : barrier === undefined && held.length === 0 && idle();
      if (drained) subscriber.complete();
    };

    /** The prepare hook's result for a batch; undefined (and the stream failed) when it threw. */
    const prepared = (name: string, events: ChangeEvent[]): { value: P | undefined } | undefined => {
      if (options.prepare === undefined) return { value: undefined };
      try {
        return { value: options.prepare({ lane: name, events, barrier: false }) };
      } catch (error) {
        fail(error);
        return undefined;
      }
    };

    const pump = (name: string, lane: Lane<P>): void => {
      if (failed || closed || stopping()) return;
      if (!lane.busy) start(name, lane);
      // The lane's batch is in flight: prepare the next one now, once a full batch is queued or
      // reading is paused (nothing more comes until a batch is done).
      if (lane.busy && lane.next === undefined && options.prepare !== undefined && lane.queue.length > 0 && (paused || lane.queue.length >= options.maxRows)) {
        const events = takeBatch(lane, options);
        if (events === undefined) return;
        const ready = prepared(name, events);
        if (ready !== undefined) lane.next = { events, prepared: ready.value as P };
      }
    };

    const start = (name: string, lane: Lane<P>): void => {
      let events: ChangeEvent[];
      let ready: { value: P | undefined } | undefined;
      if (lane.next !== undefined) {
        ({ events } = lane.next);
        ready = { value: lane.next.prepared };
        lane.next = undefined;
      } else {
        if (lane.queue.length === 0) return;
        const taken = takeBatch(lane, options);
        if (taken === undefined) {
          // Transaction mode waits for the rest of a transaction: the reader must not stay paused.
          if (paused) {
            paused = false;
            options.resume();
          }
          return;
        }
        events = taken;
        ready = prepared(name, events);
        if (ready === undefined) return;
      }
      lane.busy = true;
      inFlight++;
      const bytes = events.reduce((sum, e) => sum + e.bytes, 0);
      applying({ lane: name, events, barrier: false }, ready.value).then(() => {
        lane.busy = false;
        account(-bytes);
        subscriber.next({ lane: name, events, barrier: false });
        pump(name, lane);
        runBarrier();
        maybeComplete();
      }, fail).catch(fail).finally(settled);
    };

    /** Queues a change in its lane and, unless `pumpNow` is false, starts the lane; the lane's name when queued. */
    const route = (event: ChangeEvent, pumpNow = true): string | undefined => {
      if (barrier !== undefined) {
        held.push(event);
        return undefined;
      }
      if (options.isBarrier(event)) {
        barrier = event;
        runBarrier();
        return undefined;
      }
      const name = options.laneOf(event);
      let lane = lanes.get(name);
      if (lane === undefined) {
        lane = { queue: [], busy: false, next: undefined, safeEnd: 0, openBytes: 0 };
        lanes.set(name, lane);
      }
      lane.queue.push(event);
      if (options.endsBatch?.(event) === true) {
        lane.safeEnd = lane.queue.length;
        lane.openBytes = 0;
      } else if (options.endsBatch !== undefined) {
        lane.openBytes += event.bytes;
        if (lane.openBytes > (options.maxTransactionBytes ?? Number.POSITIVE_INFINITY)) {
          fail(transactionTooLarge(event, options.maxTransactionBytes ?? 0));
          return undefined;
        }
      }
      if (pumpNow) pump(name, lane);
      return name;
    };

    const runBarrier = (): void => {
      const event = barrier;
      if (event === undefined || barrierRunning || !idle() || failed || closed || stopping()) return;
      barrierRunning = true;
      inFlight++;
      applying({ lane: '#barrier', events: [event], barrier: true }, undefined).then(() => {
        barrierRunning = false;
        barrier = undefined;
        account(-event.bytes);
        subscriber.next({ lane: '#barrier', events: [event], barrier: true });
        const release = held;
        held = [];
        // Queued first, started after: each lane's first batch takes all it has, not a single change.
        const queued = new Set<string>();
        for (const next of release) {
          const name = route(next, false);
          if (name !== undefined) queued.add(name);
        }
        for (const name of queued) {
          const lane = lanes.get(name);
          if (lane !== undefined) pump(name, lane);
        }
        maybeComplete();
      }, fail).catch(fail).finally(settled);
    };

    const subscription = source.subscribe({
      next: (event) => {
        options.onQueued?.(event);
        account(event.bytes);
        route(event);
      },
      error: fail,
      complete: () => {
        upstreamDone = true;
        maybeComplete();
      },
    });
    upstream.subscription = subscription;
    if (upstream.failedEarly) subscription.unsubscribe();
    return () => {
      closed = true;
      subscription.unsubscribe();
    };
  });
}

function transactionTooLarge(event: ChangeEvent, limit: number): ScscError {
  const mib = Math.round(limit / 2 ** 20);
  return new ScscError('TRANSACTION_TOO_LARGE', `the source transaction starting at ${describePosition(event.resumeFrom)} holds more than ${mib} MiB of row changes, `
    + 'and --consistency transaction keeps a transaction in memory until its commit arrives', {
    fix: `raise --max-transaction-mib above ${mib} if this machine has the memory (changes held in memory take several times their row bytes), or replicate with --consistency table, which streams transactions of any size`,
  });
}

function takeBatch(lane: Lane<unknown>, options: Pick<ApplyInLanesOptions, 'endsBatch' | 'maxRows' | 'maxBytes'>): ChangeEvent[] | undefined {
  const queue = lane.queue;
  // Transaction mode with no transaction end queued yet: nothing to take, and no scan of a queue
  // that a large transaction makes long (once per arriving change, that scan was quadratic).
  if (options.endsBatch !== undefined && lane.safeEnd === 0) return undefined;
  let rows = 0;
  let bytes = 0;
  let end = 0;
  let lastSafeEnd = 0;
  while (end < queue.length) {
    const event = queue[end] as ChangeEvent;
    if (end > 0 && (rows >= options.maxRows || bytes + event.bytes > options.maxBytes) && (options.endsBatch === undefined || lastSafeEnd > 0)) break;
    rows++;
    bytes += event.bytes;
    end++;
    if (options.endsBatch === undefined || options.endsBatch(event)) lastSafeEnd = end;
  }
  // Transaction mode: never cut inside a source transaction (wait for its commit to arrive).
  const take = options.endsBatch === undefined ? end : lastSafeEnd;
  if (take === 0) return undefined;
  lane.safeEnd = Math.max(0, lane.safeEnd - take);
  return queue.splice(0, take);
}
