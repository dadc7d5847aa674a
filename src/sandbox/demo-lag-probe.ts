import mysql from 'mysql2/promise';
import type { MariaDbServer } from './mariadb-server.js';

export interface LagSample {
  /** How far the target's heartbeat is behind the source's (ms; the heartbeat beats every 100 ms). */
  lagMs: number;
  targetRows: number;
}

/** Measures the demo's replication lag from the heartbeat row the workload stamps on the source. */
export class DemoLagProbe {
  private readonly lags: number[] = [];

  constructor(private readonly source: MariaDbServer, private readonly target: MariaDbServer, private readonly database: string) {}

  async sample(): Promise<LagSample> {
    const [sourceBeat, targetBeat] = await Promise.all([this.beat(this.source), this.beat(this.target)]);
    const lagMs = Math.max(0, Math.round((sourceBeat.at - targetBeat.at) / 1000));
    this.lags.push(lagMs);
    return { lagMs, targetRows: targetBeat.orders };
  }

  /** Polls until the target's heartbeat equals the source's; the milliseconds it took, or undefined on timeout. */
  async waitUntilCaughtUp(timeoutMs: number): Promise<number | undefined> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const [a, b] = await Promise.all([this.beat(this.source), this.beat(this.target)]);
      if (a.at === b.at && a.orders === b.orders) return Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return undefined;
  }

  summary(): string {
    if (this.lags.length === 0) return 'not sampled';
    const sorted = [...this.lags].sort((x, y) => x - y);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `median ${at(0.5)} ms, max ${sorted.at(-1) ?? 0} ms over ${sorted.length} samples (heartbeat every 100 ms)`;
  }

  private async beat(server: MariaDbServer): Promise<{ at: number; orders: number }> {
    const db = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database: this.database });
    try {
      const [rows] = await db.query<mysql.RowDataPacket[]>(
        'SELECT UNIX_TIMESTAMP(beat_at) * 1000000 AS at, (SELECT COUNT(*) FROM orders) AS orders FROM demo_heartbeat WHERE id = 1');
      return { at: Number(rows[0]?.at ?? 0), orders: Number(rows[0]?.orders ?? 0) };
    } catch {
      return { at: 0, orders: 0 }; // not created on the target yet
    } finally {
      await db.end();
    }
  }
}
