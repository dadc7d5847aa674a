import { queryRows, str, type Queryable, type Row } from '../mysql/query-rows.js';
import { parseVersion } from '../mysql/server-info.js';
import type { Signature } from './signature.js';

export type BinlogSignatureResult =
  | { ok: true; signature: Extract<Signature, { detector: 'binlog' }> }
  | { ok: false; reason: string };

/**
 * The source server's binlog position as a signature: MariaDB `@@gtid_binlog_pos`, MySQL
 * `@@gtid_executed`, plus the current binlog file:offset from SHOW MASTER STATUS (SHOW BINARY LOG
 * STATUS on MySQL 8.4) when the account may run it, and the server id.
 *
 * What it can and cannot see:
 * - The position moves with ANY binlogged write on the server, to any database, and when the binlog
 *   rotates (FLUSH LOGS, restart). That only causes extra syncs (which find nothing to do), never a
 *   missed one. A sync whose target lives on the same server as the source moves it too: the next
 *   round syncs once more, finds nothing, writes nothing, and the position then stays put.
 * - Writes that never reach the binlog are invisible: sessions with `SET sql_log_bin = 0`, and
 *   databases filtered out by binlog-do-db / binlog-ignore-db. The filters are checked when SHOW MASTER
 *   STATUS is readable (the binlog is refused unless the format is ROW and the database passes them);
 *   `sql_log_bin = 0` cannot be seen from outside: use the content detector where that happens.
 * - Writes to the target are not seen (the signature is the source's): drift on the target is
 *   `scsc reconcile`'s job.
 *
 * Returns ok: false (so `auto` can fall back to content) when log_bin is off or no position can be
 * read; connection and other SQL failures are thrown.
 */
export async function readBinlogSignature(db: Queryable, database: string): Promise<BinlogSignatureResult> {
  const [vars] = await queryRows(db, 'SELECT @@global.log_bin AS logBin, @@global.server_id AS serverId, @@global.binlog_format AS format, VERSION() AS version, @@global.version_comment AS comment');
  if (vars === undefined) return { ok: false, reason: 'the server returned no variables' };
  if (!['1', 'ON'].includes((str(vars.logBin) ?? '').toUpperCase())) return { ok: false, reason: 'log_bin is OFF on the source' };
  const { flavour } = parseVersion(str(vars.version) ?? '', str(vars.comment) ?? '');
  const [gtidRow] = await queryRows(db, flavour === 'mariadb' ? 'SELECT @@global.gtid_binlog_pos AS gtid' : 'SELECT @@global.gtid_executed AS gtid');
  const gtid = (str(gtidRow?.gtid) ?? '').replace(/\s+/g, '');

  const status = await readMasterStatus(db);
  if (status.ok) {
    const filtered = filterProblem(status.row, database, str(vars.format) ?? '');
    if (filtered !== undefined) return { ok: false, reason: filtered };
  }
  const file = status.ok ? str(status.row.File) : undefined;
  const offset = status.ok ? str(status.row.Position) : undefined;
  if (status.ok && file === undefined) return { ok: false, reason: 'SHOW MASTER STATUS is empty: the binlog is off' };
  if (gtid === '' && file === undefined) {
    return { ok: false, reason: `no GTID position and no binlog file/offset readable (${status.ok ? 'empty status' : status.reason})` };
  }
  const parts = [`server ${str(vars.serverId) ?? '?'}`];
  if (gtid !== '') parts.push(`gtid ${gtid}`);
  if (file !== undefined) parts.push(`${file}:${offset ?? '?'}`);
  return { ok: true, signature: { detector: 'binlog', position: parts.join(' ') } };
}

export type StatusResult = { ok: true; row: Row } | { ok: false; reason: string };

/** SHOW MASTER STATUS, or SHOW BINARY LOG STATUS where the former is gone (MySQL 8.4). */
export async function readMasterStatus(db: Queryable): Promise<StatusResult> {
  let lastReason = 'not readable';
  for (const sql of ['SHOW MASTER STATUS', 'SHOW BINARY LOG STATUS']) {
    try {
      const [row] = await queryRows(db, sql);
      return row === undefined ? { ok: false, reason: `${sql} returned no row` } : { ok: true, row };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = (error as { sqlMessage?: string }).sqlMessage ?? (error as Error).message;
      if (code === 'ER_PARSE_ERROR') {
        lastReason = `${sql} is not supported`;
        continue;
      }
      if (code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
        return { ok: false, reason: `${sql} not permitted (${message}); grant BINLOG MONITOR (MariaDB) or REPLICATION CLIENT (MySQL)` };
      }
      throw error;
    }
  }
  return { ok: false, reason: lastReason };
}

/** Why binlog filters could hide writes to `database`, or undefined when they cannot. */
function filterProblem(row: Row, database: string, format: string): string | undefined {
  const list = (value: unknown): string[] => (str(value) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const doDb = list(row.Binlog_Do_DB);
  const ignoreDb = list(row.Binlog_Ignore_DB);
  if (doDb.length === 0 && ignoreDb.length === 0) return undefined;
  const passes = (doDb.length === 0 || doDb.includes(database)) && !ignoreDb.includes(database);
  if (!passes) return `binlog-do-db / binlog-ignore-db keep writes to ${database} out of the binlog`;
  if (format.toUpperCase() !== 'ROW') return `binlog filters are set and binlog_format is ${format}: statements run from another default database may not be logged`;
  return undefined;
}
