/**
 * Where a change sits in the source's binlog. A transaction starts at a boundary (`file`, `offset`:
 * the end of the previous transaction, a place a binlog reader can restart from); `index` numbers
 * the row changes inside it. `gtid` names the transaction when the server has one.
 */
export interface Position {
  file: string;
  offset: number;
  index: number;
  gtid?: string;
}

/**
 * A transaction boundary: where a reader can start (index is always 0). Its `gtid` means one of two
 * things: read from a MariaDB server's head (readBinlogHead: status, reconcile passes, the demo) it is
 * the GTID state before the boundary (gtid_binlog_pos, possibly one GTID per domain); set at a
 * transaction's start (BinlogTransaction) it is the GTID of the transaction that starts there, and
 * only such boundaries reach replicate's checkpoints (the snapshot's head carries none).
 */
export type Boundary = Pick<Position, 'file' | 'offset'> & { gtid?: string };

/** index of a transaction's commit: after every row change of it. */
export const COMMIT_INDEX = 999_999_999;

/** Every change of a binlog file has the same file part: parsed once per file. */
let lastFile = '';
let lastSequence = '000000000000';

/**
 * The position as a string whose plain string order is replication order: the binlog file's sequence
 * number, the offset and the index, each zero-padded (file names like binlog.000123 outgrow six
 * digits, so the number is padded, not the name).
 */
export function positionKey(position: Pick<Position, 'file' | 'offset'> & { index?: number }): string {
  if (position.file !== lastFile) {
    lastFile = position.file;
    lastSequence = (/(\d+)$/.exec(position.file)?.[1] ?? '0').padStart(12, '0');
  }
  return `${lastSequence}:${String(position.offset).padStart(15, '0')}:${String(position.index ?? 0).padStart(9, '0')}`;
}

/** Whether a position comes after another in replication order (positionKey's order; numbers compared within one file). */
export function positionAfter(position: Position, than: Position): boolean {
  if (position.file !== than.file) return positionKey(position) > positionKey(than);
  return position.offset > than.offset || (position.offset === than.offset && position.index > than.index);
}

/** file:offset (index) for people. */
export function describePosition(position: Pick<Position, 'file' | 'offset'> & { index?: number; gtid?: string }): string {
  const gtid = position.gtid === undefined ? '' : ` gtid ${position.gtid}`;
  return `${position.file}:${position.offset}${position.index === undefined || position.index === 0 ? '' : `#${position.index}`}${gtid}`;
}
