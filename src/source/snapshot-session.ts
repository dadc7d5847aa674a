import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { DatabaseUrl } from '../config/database-url.js';
import type { Boundary } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';
import { serverIdentitySql, type Flavour } from '../mysql/server-info.js';
import { openSessionPool } from '../mysql/session-pool.js';
import { readBinlogHead } from './binlog-head.js';
import { countPreparedXa } from './prepared-xa.js';

export interface SnapshotSession {
  /** One connection inside the snapshot transaction, shaped as a pool for the sync engine (queries run one at a time). */
  pool: Pool;
  /** The binlog position the snapshot shows: every transaction before it, none after. */
  head: Boundary;
  /** serverIdentity() of the server the snapshot reads, asked on its connection. */
  server: string;
  /**
   * XA transactions prepared on the source and undecided when the snapshot began (XA RECOVER; 0 when
   * the account may not list them): their rows are in neither the snapshot nor the binlog after it.
   */
  preparedXa: number;
  close(): Promise<void>;
}

/**
 * A read view of the source that matches a binlog position exactly, without a long lock: MariaDB
 * reports the binlog position of a `START TRANSACTION WITH CONSISTENT SNAPSHOT` itself
 * (binlog_snapshot_file/position); MySQL needs FLUSH TABLES WITH READ LOCK for the instant between
 * starting the transaction and reading the position (RELOAD privilege).
 */
export async function openSnapshotSession(url: DatabaseUrl, flavour: Flavour): Promise<SnapshotSession> {
  const pool = await openSessionPool(url, { role: 'source', connections: 1 });
  const connection = await pool.getConnection();
  try {
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    let head: Boundary;
    if (flavour === 'mariadb') {
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const [rows] = await connection.query<RowDataPacket[]>("SHOW STATUS LIKE 'binlog_snapshot_%'");
      const status = new Map(rows.map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
      const file = status.get('binlog_snapshot_file');
      const offset = Number(status.get('binlog_snapshot_position'));
      if (file === undefined || file === '' || !Number.isFinite(offset)) throw new ScscError('BINLOG_UNREADABLE', 'the source reports no binlog position for a consistent snapshot (is log_bin on?)');
      head = { file, offset };
    } else {
      await connection.query('FLUSH TABLES WITH READ LOCK');
      try {
        await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        head = await readBinlogHead(connection);
      } finally {
        await connection.query('UNLOCK TABLES');
      }
    }
    const preparedXa = (await countPreparedXa(connection)) ?? 0;
    const [identity] = await connection.query<RowDataPacket[]>(serverIdentitySql(flavour));
    const server = String(identity[0]?.identity);
    return { pool: asPool(connection), head, server, preparedXa, close: async () => {
      await connection.query('COMMIT').catch(() => undefined);
      connection.release();
      await pool.end().catch(() => undefined);
    } };
  } catch (error) {
    connection.destroy();
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** The connection behind a pool's face: getConnection() hands out the same session, release() keeps it. */
function asPool(connection: PoolConnection): Pool {
  const shared = new Proxy(connection, {
    get: (target, property, receiver) => (property === 'release' || property === 'destroy' ? () => undefined : Reflect.get(target, property, receiver) as unknown),
  });
  return new Proxy({} as Pool, {
    get: (_, property) => {
      if (property === 'getConnection') return () => Promise.resolve(shared);
      if (property === 'end') return () => Promise.resolve();
      const value = Reflect.get(connection, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(connection) : value;
    },
  });
}
