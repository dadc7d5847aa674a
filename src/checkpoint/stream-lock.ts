import { createHash } from 'node:crypto';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ScscError } from '../core/scsc-error.js';
import type { Logger } from '../observability/logger.js';

/** MySQL refuses user lock names longer than this. */
const LOCK_NAME_LIMIT = 64;
const CHECK_EVERY_MS = 5_000;
/** How long GET_LOCK waits: the server may not yet have seen a just-killed predecessor's connection close. */
const WAIT_SECONDS = 2;

/**
 * One `scsc replicate` per stream and target database: a named lock (GET_LOCK) held by a connection
 * of its own for as long as the process runs. The server frees it when that connection ends, so a
 * process killed with SIGKILL never blocks its successor. After a lost connection (target restart)
 * the lock is taken again; if another process took it meanwhile, `assertHeld` throws STREAM_BUSY.
 */
export class StreamLock {
  private connection: PoolConnection | undefined;
  private lostTo: ScscError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  private constructor(private readonly pool: Pool, readonly name: string, private readonly logger: Logger) {}

  /** Takes the lock or throws STREAM_BUSY naming the connection that holds it. */
  static async acquire(pool: Pool, database: string, stream: string, logger: Logger): Promise<StreamLock> {
    const lock = new StreamLock(pool, streamLockName(database, stream), logger);
    const busy = await lock.take();
    if (busy !== undefined) throw busy;
    lock.timer = setInterval(() => void lock.check(), CHECK_EVERY_MS);
    lock.timer.unref();
    return lock;
  }

  /** Throws STREAM_BUSY once another process holds the lock (checked every few seconds). */
  assertHeld(): void {
    if (this.lostTo !== undefined) throw this.lostTo;
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    if (connection === undefined) return;
    await connection.query('DO RELEASE_LOCK(?)', [this.name]).catch(() => undefined);
    connection.release();
  }

  private async take(): Promise<ScscError | undefined> {
    const connection = await this.pool.getConnection();
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got, IS_USED_LOCK(?) AS holder', [this.name, WAIT_SECONDS, this.name]);
      if (Number(rows[0]?.got) === 1) {
        this.connection = connection;
        return undefined;
      }
      const holder = Number(rows[0]?.holder);
      const [who] = await connection.query<RowDataPacket[]>('SELECT USER AS user, HOST AS host FROM information_schema.PROCESSLIST WHERE ID = ?', [holder]).catch(() => [[] as RowDataPacket[]]);
      connection.release();
      const seen = who[0] === undefined ? '' : ` (${String(who[0].user)}@${String(who[0].host)})`;
      return new ScscError('STREAM_BUSY', `another scsc replicate holds the lock ${this.name} on the target: connection ${holder}${seen}`, {
        details: { lock: this.name, connection: holder },
      });
    } catch (error) {
      connection.destroy();
      throw error;
    }
  }

  /** Re-takes the lock after its connection was lost; a lost race becomes the STREAM_BUSY error. */
  private async check(): Promise<void> {
    if (this.checking || this.lostTo !== undefined) return;
    this.checking = true;
    try {
      if (this.connection !== undefined) {
        try {
          await this.connection.query('SELECT 1');
          return;
        } catch {
          this.connection.destroy();
          this.connection = undefined;
        }
      }
      const busy = await this.take();
      if (busy === undefined) this.logger.info({ lock: this.name }, 'stream lock taken again after its connection to the target was lost');
      else this.lostTo = busy;
    } catch {
      // The target is still unreachable: the next check tries again (batches wait for it too).
    } finally {
      this.checking = false;
    }
  }
}

/** `scsc:<target database>:<stream>`, hashed to fit when long. */
export function streamLockName(database: string, stream: string): string {
  const name = `scsc:${database}:${stream}`;
  if (name.length <= LOCK_NAME_LIMIT) return name;
  return `scsc:${createHash('sha1').update(name).digest('hex')}`;
}
