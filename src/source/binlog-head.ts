import type { Boundary } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';
import { readMasterStatus } from '../detect/binlog-signature.js';
import { queryRows, str, type Queryable } from '../mysql/query-rows.js';

/** The end of the source's binlog right now: a transaction boundary to start reading from. */
export async function readBinlogHead(db: Queryable): Promise<Boundary> {
  const status = await readMasterStatus(db);
  if (!status.ok) throw new ScscError('BINLOG_UNREADABLE', `cannot read the source's binlog position: ${status.reason}`);
  const file = str(status.row.File);
  const offset = Number(str(status.row.Position));
  if (file === undefined || !Number.isFinite(offset)) throw new ScscError('BINLOG_UNREADABLE', 'SHOW MASTER STATUS is empty: the binlog is off on the source');
  const [gtid] = await queryRows(db, 'SELECT @@global.gtid_binlog_pos AS gtid').catch(() => [] as Array<Record<string, unknown>>);
  const text = str(gtid?.gtid)?.trim();
  return { file, offset, ...(text === undefined || text === '' ? {} : { gtid: text }) };
}
