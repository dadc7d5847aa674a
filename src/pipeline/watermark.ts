import type { ChangeEvent } from '../core/change-event.js';
import { positionKey, type Boundary } from '../core/position.js';

/**
 * The stream's restart point (Maxwell's rule): the transaction start of the oldest change not yet
 * applied in any lane; when nothing is pending, the end of the last transaction seen.
 */
export class Watermark {
  private readonly pending = new Map<ChangeEvent, Boundary>();
  private lastEnd: Boundary;

  constructor(start: Boundary) {
    this.lastEnd = start;
  }

  /** A change entered a lane queue (in source order). */
  enqueued(event: ChangeEvent): void {
    this.pending.set(event, event.resumeFrom);
  }

  /** A transaction ended at this boundary (commit or standalone statement). */
  transactionEnded(end: Boundary): void {
    this.lastEnd = end;
  }

  applied(events: Iterable<ChangeEvent>): void {
    for (const event of events) this.pending.delete(event);
  }

  /** Skipped (already applied before a restart) or dropped changes. */
  forget(event: ChangeEvent): void {
    this.pending.delete(event);
  }

  current(): Boundary {
    for (const boundary of this.pending.values()) return boundary;
    return this.lastEnd;
  }

  currentKey(): string {
    return positionKey(this.current());
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
