import type { Pool } from 'mysql2/promise';
import { CheckpointStore, CHECKPOINT_TABLE, STREAM_LANE } from '../checkpoint/checkpoint-store.js';
import { streamLockName } from '../checkpoint/stream-lock.js';
import { streamName } from '../checkpoint/stream-name.js';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { positionKey, type Boundary } from '../core/position.js';
import { num, queryRows, str } from '../mysql/query-rows.js';
import { readServerInfo, serverIdentity } from '../mysql/server-info.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';
import { openSessionPool } from '../mysql/session-pool.js';
import { DDL_LANE } from '../sink/mysql-applier.js';
import { readBinlogHead } from '../source/binlog-head.js';
import type { LaneStatus, SourceBehind, StreamStatus, TargetStatus } from './print-status.js';

export type DatabaseUrlWithName = DatabaseUrl & { database: string };

/** The status, or the one-line reason there is none (no checkpoint table, no stream, not for that source). */
export async function readStatus(target: DatabaseUrlWithName, source: DatabaseUrlWithName | undefined): Promise<TargetStatus | string> {
  const where = describeEndpoint(target);
  const pool = await openSessionPool(target, { role: 'target', connections: 1 });
  let streams: StreamStatus[];
  let now: Date;
  try {
    const [found] = await queryRows(pool, 'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [target.database, CHECKPOINT_TABLE]);
    if (num(found?.n) === 0) return `no ${CHECKPOINT_TABLE} table in ${where}: scsc replicate has not run against this target database`;
    const names = (await queryRows(pool, `SELECT DISTINCT stream FROM ${qualifiedTable(target.database, CHECKPOINT_TABLE)} ORDER BY stream`)).map((r) => String(str(r.stream)));
    if (names.length === 0) return `${CHECKPOINT_TABLE} in ${where} is empty: no stream has saved a checkpoint yet`;
    const wanted = source === undefined ? names : names.filter((name) => name === streamName(source));
    if (wanted.length === 0 && source !== undefined) return `no checkpoint for source ${streamName(source)} in ${where} (streams there: ${names.join(', ')})`;
    const [clock] = await queryRows(pool, 'SELECT CAST(UTC_TIMESTAMP(3) AS CHAR) AS now');
    now = new Date(`${String(str(clock?.now)).replace(' ', 'T')}Z`);
    streams = await Promise.all(wanted.map((name) => readStream(pool, target.database, name, now)));
  } finally {
    await pool.end().catch(() => undefined);
  }
  if (source !== undefined) {
    const { head, server } = await readSourceHead(source);
    for (const stream of streams) {
      // Offsets of another server's binlog say nothing about this one's.
      const other = stream.sourceServer !== undefined && stream.sourceServer !== server;
      stream.source = other ? { head, files: undefined, bytes: undefined, server } : { ...behind(stream.restartPoint, head), server };
    }
  }
  return { target: where, now, streams };
}

async function readStream(pool: Pool, database: string, stream: string, now: Date): Promise<StreamStatus> {
  const loaded = await new CheckpointStore(pool, database, stream).load();
  const lanes: LaneStatus[] = [...loaded.lanes.values()]
    .filter((c) => c.lane !== STREAM_LANE)
    .sort((a, b) => Number(a.lane === DDL_LANE) - Number(b.lane === DDL_LANE) || a.lane.localeCompare(b.lane))
    .map((c) => ({
      lane: c.lane,
      lastApplied: c.position,
      rowsApplied: c.rowsApplied,
      sourceCommitTime: c.sourceCommitTime,
      appliedAt: c.appliedAt,
      lagMs: c.sourceCommitTime === undefined ? undefined : c.appliedAt.getTime() - c.sourceCommitTime.getTime(),
      idleMs: now.getTime() - c.appliedAt.getTime(),
    }));
  const [lock] = await queryRows(pool, 'SELECT IS_USED_LOCK(?) AS holder', [streamLockName(database, stream)]);
  const holder = num(lock?.holder);
  return { stream, restartPoint: loaded.resume, sourceServer: loaded.sourceServer, lanes, runningOn: Number.isInteger(holder) && holder > 0 ? holder : undefined };
}

async function readSourceHead(source: DatabaseUrl): Promise<{ head: Boundary; server: string }> {
  const pool = await openSessionPool(source, { role: 'source', connections: 1 });
  try {
    const [head, info] = await Promise.all([readBinlogHead(pool), readServerInfo(pool)]);
    return { head, server: serverIdentity(info) };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function behind(restartPoint: Boundary | undefined, head: Boundary): Omit<SourceBehind, 'server'> {
  if (restartPoint === undefined) return { head, files: undefined, bytes: undefined };
  const sequence = (file: string): number => Number(positionKey({ file, offset: 0 }).split(':')[0]);
  const files = sequence(head.file) - sequence(restartPoint.file);
  return { head, files, bytes: files === 0 ? head.offset - restartPoint.offset : undefined };
}
