import type { Boundary, Position } from './position.js';
import type { RowValue } from './row-value.js';

/** A row as the binlog carries it: every column by name, exact values (see RowValue). */
export type RowImage = Record<string, RowValue>;

export type ChangeKind = 'insert' | 'update' | 'delete' | 'ddl' | 'truncate' | 'commit';

/**
 * One change read from the source, in source order. Row changes carry the full row images; `key`
 * is the row's identity (primary key, else a NOT NULL unique key) in key-column order, taken from
 * `before` for deletes and updates (an update that changes the key carries `newKey` too).
 */
export interface ChangeEvent {
  kind: ChangeKind;
  db: string;
  table: string;
  before?: RowImage;
  after?: RowImage;
  key?: RowValue[];
  newKey?: RowValue[];
  /** This change's own place. */
  position: Position;
  /** The boundary before its transaction: restarting there replays the whole transaction. */
  resumeFrom: Boundary;
  /** Server id of the server that first wrote the transaction. */
  origin: number;
  /** Source commit time, ms since the epoch (the binlog has whole seconds). */
  commitTime: number;
  /** DDL text (kind ddl / truncate). */
  sql?: string;
  /** kind ddl / truncate: the source session's settings the statement ran under (its query event's), so the target runs it alike. */
  session?: StatementSession;
  /** Tables a DDL statement names, as [db, table] (kind ddl): RENAME names two. */
  ddlTables?: Array<[string, string]>;
  /** kind ddl: where the statement ends (what it left holds from there on; the key its definitions are recorded under). */
  ddlEnd?: Boundary;
  /** kind ddl: CREATE TABLE ... LIKE a replicated table of the same database: that table. */
  ddlLike?: string;
  /** kind ddl: a CREATE TABLE (see ParsedStatement.create). */
  ddlCreate?: { replace: boolean; like: boolean; select: boolean };
  /** kind ddl: the steps of a RENAME, from and to; undefined for a table of another database. */
  ddlRenames?: Array<[string | undefined, string | undefined]>;
  /** kind commit: the boundary right after the transaction. */
  endsAt?: Boundary;
  /** kind commit, while an undecided XA transaction holds the restart point back: where a reader restarts instead of endsAt. */
  resumeAfter?: Boundary;
  /** The source wrote this row change with foreign_key_checks off: its FK actions did not run there. */
  fkChecksOff?: true;
  /**
   * The row images leave columns out (a session's binlog_row_image MINIMAL or NOBLOB): the before
   * image holds at least the key, the after image the columns the statement set. The columns left
   * out keep their target values.
   */
  partial?: true;
  /** Approximate size in memory, for byte-bounded queues and batches. */
  bytes: number;
}

/** A statement's session on the source, as its binlog query event records it (each field when the event has it). */
export interface StatementSession {
  /** sql_mode, the server's bitmask in decimal (its bits differ by flavour: see sqlModeNames). */
  sqlMode?: string;
  /** Collation ids of character_set_client, collation_connection, collation_server. */
  charsetClient?: number;
  collationConnection?: number;
  collationServer?: number;
  /** The character set of collation_connection, by name (set where the source's collations are known): the fallback for a target without the id. */
  connectionCharset?: string;
  /** time_zone, when the statement used it. */
  timeZone?: string;
  /** Q_FLAGS2: foreign_key_checks, unique_checks and other session options as bits. */
  flags2?: number;
  /** MySQL's explicit_defaults_for_timestamp (MariaDB's is a flags2 bit). */
  explicitDefaultsForTimestamp?: boolean;
  /** When the statement started (the event header's seconds, and its microseconds where the event has them): NOW() in it. */
  startedAt?: number;
  microseconds?: number;
}

export function isRowChange(event: ChangeEvent): boolean {
  return event.kind === 'insert' || event.kind === 'update' || event.kind === 'delete';
}
