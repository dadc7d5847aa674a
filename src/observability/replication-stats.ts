import type { ChangeEvent } from '../core/change-event.js';
import { isRowChange } from '../core/change-event.js';
import { describePosition, type Boundary } from '../core/position.js';

export interface ReplicationFigures {
  /** Row changes read from the binlog / written to the target since start. */
  received: number;
  applied: number;
  /** Rows written per second over the last interval. */
  rowsPerSecond: number;
  /** Source commit to applied on the target, for the last batch (ms; the binlog has whole seconds). */
  lagMs: number | undefined;
  perTable: Record<string, number>;
  resumeFrom: string;
}

/** Counters for the live line of `scsc replicate` (and, later, its metrics). */
export class ReplicationStats {
  private received = 0;
  private applied = 0;
  private readonly perTable = new Map<string, number>();
  private lastCommitTime: number | undefined;
  private lastAppliedAt = 0;
  private windowStart = Date.now();
  private windowApplied = 0;

  receivedEvent(event: ChangeEvent): void {
    if (isRowChange(event)) this.received++;
  }

  appliedBatch(lane: string, rows: number, events: readonly ChangeEvent[]): void {
    this.applied += rows;
    this.windowApplied += rows;
    for (const event of events) if (isRowChange(event)) this.perTable.set(event.table, (this.perTable.get(event.table) ?? 0) + 1);
    const last = events.at(-1);
    if (last !== undefined && lane !== '') {
      this.lastCommitTime = last.commitTime;
      this.lastAppliedAt = Date.now();
    }
  }

  figures(resumeFrom: Boundary): ReplicationFigures {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.windowStart) / 1000);
    const rowsPerSecond = Math.round(this.windowApplied / seconds);
    this.windowStart = now;
    this.windowApplied = 0;
    return {
      received: this.received,
      applied: this.applied,
      rowsPerSecond,
      lagMs: this.lastCommitTime === undefined ? undefined : Math.max(0, this.lastAppliedAt - this.lastCommitTime),
      perTable: Object.fromEntries(this.perTable),
      resumeFrom: describePosition(resumeFrom),
    };
  }
}
