import type { ChangeEvent } from '../core/change-event.js';
import { positionKey, type Boundary } from '../core/position.js';

/**
 * The stream's restart point (Maxwell's rule): the transaction start of the oldest change not yet
 * applied in any lane; when nothing is pending, the end of the last transaction seen.
 */
export class Watermark {
  private readonly pending = new Map<ChangeEvent, Boundary>();
  private lastEnd: Boundary;
  private lastRead: Boundary;

  constructor(start: Boundary) {
    this.lastEnd = start;
    this.lastRead = start;
  }

  /** A change entered a lane queue (in source order). */
  enqueued(event: ChangeEvent): void {
    this.pending.set(event, event.resumeFrom);
  }

  /**
   * A transaction ended at this boundary (commit or standalone statement); `restart` is where a
   * reader restarts after it when that is earlier (an undecided XA transaction holds it back).
   */
  transactionEnded(end: Boundary, restart: Boundary = end): void {
    this.lastEnd = restart;
    this.lastRead = end;
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

  /**
   * Every committed change before this boundary is applied: the transaction start of the oldest
   * pending change, or the end of the last transaction read. Unlike current(), an undecided XA
   * transaction does not hold it back (its rows are not committed source state yet).
   */
  appliedThrough(): Boundary {
    for (const event of this.pending.keys()) return { file: event.position.file, offset: event.position.offset };
    return this.lastRead;
  }

  currentKey(): string {
    return positionKey(this.current());
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
