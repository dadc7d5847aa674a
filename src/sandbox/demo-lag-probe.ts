import mysql from 'mysql2/promise';
import { positionKey, type Boundary } from '../core/position.js';
import { readBinlogHead } from '../source/binlog-head.js';
import type { MariaDbServer } from './mariadb-server.js';

export interface LagSample {
  /** Since the oldest change the target still lacks was committed on the source (ms, to HEAD_SAMPLE_MS); 0 when it lacks none. */
  lagMs: number;
  targetRows: number;
}

/** How often the source's binlog end is read while the workload runs: the lag figures' resolution. */
const HEAD_SAMPLE_MS = 10;

/**
 * Measures the demo's replication lag end to end, over every table at once: from the replicator's
 * restart point (every change before it is on the target) and a timeline of the source's binlog end,
 * the lag is how long ago the source first held a change beyond that point.
 */
export class DemoLagProbe {
  private readonly lags: number[] = [];
  private readonly heads: Array<{ at: number; key: string }> = [];
  private sampling: Promise<void> | undefined;
  private running = false;

  private constructor(private readonly source: mysql.Connection, private readonly target: mysql.Connection, private readonly applied: () => Boundary) {}

  static async open(source: MariaDbServer, target: MariaDbServer, database: string, applied: () => Boundary): Promise<DemoLagProbe> {
    const connect = async (server: MariaDbServer): Promise<mysql.Connection> => {
      const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database });
      connection.on('error', () => undefined); // a server gone: the next query fails, and the demo reports that
      return connection;
    };
    const first = await connect(source);
    try {
      return new DemoLagProbe(first, await connect(target), applied);
    } catch (error) {
      await first.end().catch(() => undefined);
      throw error;
    }
  }

  /** Starts the timeline of the source's binlog end. */
  start(): void {
    this.running = true;
    this.sampling = (async (): Promise<void> => {
      while (this.running) {
        const head = await readBinlogHead(this.source);
        this.heads.push({ at: Date.now(), key: positionKey(head) });
        await new Promise((resolve) => setTimeout(resolve, HEAD_SAMPLE_MS));
      }
    })().catch(() => {
      this.running = false; // the source went away: the demo's own steps report that
    });
  }

  async sample(): Promise<LagSample> {
    // The timeline's latest reading (at most HEAD_SAMPLE_MS old), not a query of its own.
    const head = this.heads.at(-1)?.key ?? '';
    const applied = positionKey(this.applied());
    let lagMs = 0;
    if (applied < head) {
      // The last reading that did not yet hold anything beyond the restart point: the oldest missing change came after it.
      const before = this.heads.findLastIndex((h) => h.key <= applied);
      lagMs = Date.now() - (this.heads[Math.max(before, 0)]?.at ?? Date.now());
      this.heads.splice(0, Math.max(before, 0)); // the restart point only moves forward
    }
    this.lags.push(lagMs);
    const [rows] = await this.target.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM orders');
    return { lagMs, targetRows: Number(rows[0]?.n ?? 0) };
  }

  /**
   * Stops the timeline, then polls until every change the source has written is applied: the
   * milliseconds from `lastWriteAt` until then, or undefined after the timeout.
   */
  async waitUntilCaughtUp(lastWriteAt: number, timeoutMs: number): Promise<number | undefined> {
    this.running = false;
    await this.sampling;
    const head = positionKey(await readBinlogHead(this.source));
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (positionKey(this.applied()) >= head) return Date.now() - lastWriteAt;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return undefined;
  }

  summary(): string {
    if (this.lags.length === 0) return 'not sampled';
    const sorted = [...this.lags].sort((x, y) => x - y);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `median ${at(0.5)} ms, max ${sorted.at(-1) ?? 0} ms over ${sorted.length} samples (source binlog end read every ${HEAD_SAMPLE_MS} ms)`;
  }

  async close(): Promise<void> {
    this.running = false;
    await this.sampling?.catch(() => undefined);
    await Promise.all([this.source.end().catch(() => undefined), this.target.end().catch(() => undefined)]);
  }
}
