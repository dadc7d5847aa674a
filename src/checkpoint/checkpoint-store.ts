import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import mysql from 'mysql2';
import { positionKey, type Boundary, type Position } from '../core/position.js';
import { isPrivilegeDenied } from '../mysql/privilege-denied.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';

export const CHECKPOINT_TABLE = '_scsc_checkpoint';
const ER_DUP_FIELDNAME = 1060;
/** The lane row that marks a finished snapshot and carries the stream's restart point between applies. */
export const STREAM_LANE = '*';

export interface LaneCheckpoint {
  lane: string;
  /** positionKey of the last change applied in this lane ('' for the stream row). */
  applied: string;
  position: Position | undefined;
  /** The stream's restart point when this row was written. */
  resume: Boundary;
  sourceCommitTime: Date | undefined;
  appliedAt: Date;
  rowsApplied: number;
}

export interface StreamCheckpoints {
  lanes: Map<string, LaneCheckpoint>;
  /** Where reading restarts: the latest restart point any row recorded; undefined before the first snapshot finished. */
  resume: Boundary | undefined;
  /** serverIdentity() of the source the restart point belongs to (undefined: not recorded yet). */
  sourceServer: string | undefined;
}

/**
 * Checkpoints live in the target database (`_scsc_checkpoint`, one row per stream and lane) and are
 * written in the same transaction as the rows they cover, so data and position commit together.
 */
export class CheckpointStore {
  readonly table: string;
  /** Whether the table has source_server (false: made by an earlier version, and this account may not ALTER it). */
  recordsSourceServer = true;

  constructor(private readonly pool: Pool, database: string, readonly stream: string) {
    this.table = qualifiedTable(database, CHECKPOINT_TABLE);
  }

  async ensureTable(): Promise<void> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      stream VARCHAR(191) NOT NULL,
      lane VARCHAR(191) NOT NULL,
      applied_key VARCHAR(64) NOT NULL,
      file VARCHAR(255) NULL,
      file_offset BIGINT UNSIGNED NULL,
      change_index INT UNSIGNED NULL,
      gtid VARCHAR(255) NULL,
      resume_file VARCHAR(255) NOT NULL,
      resume_offset BIGINT UNSIGNED NOT NULL,
      resume_key VARCHAR(64) NOT NULL,
      resume_gtid VARCHAR(255) NULL,
      source_commit_time DATETIME(3) NULL,
      applied_at DATETIME(3) NOT NULL,
      rows_applied BIGINT UNSIGNED NOT NULL DEFAULT 0,
      source_server VARCHAR(100) NULL,
      PRIMARY KEY (stream, lane)
    ) ENGINE=InnoDB COMMENT='scsc replication checkpoints: do not edit while scsc runs'`);
    // Tables made by earlier versions lack the column (added at the end: instant on MariaDB 10.3+ and MySQL 8).
    const [present] = await this.pool.query<RowDataPacket[]>(`SHOW COLUMNS FROM ${this.table} LIKE 'source_server'`);
    if (present.length > 0) return;
    try {
      await this.pool.query(`ALTER TABLE ${this.table} ADD COLUMN source_server VARCHAR(100) NULL`);
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno === ER_DUP_FIELDNAME) return; // another stream's start added it meanwhile
      if (isPrivilegeDenied(error)) this.recordsSourceServer = false;
      else throw error;
    }
  }

  async load(): Promise<StreamCheckpoints> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      // All columns: `scsc status` also reads tables of earlier versions, which lack source_server.
      `SELECT *, CAST(source_commit_time AS CHAR) AS source_commit_text, CAST(applied_at AS CHAR) AS applied_at_text FROM ${this.table} WHERE stream = ?`, [this.stream]);
    const lanes = new Map<string, LaneCheckpoint>();
    let resume: { key: string; boundary: Boundary } | undefined;
    let sourceServer: string | undefined;
    for (const row of rows) {
      if (row.lane === STREAM_LANE && row.source_server !== null && row.source_server !== undefined) sourceServer = String(row.source_server);
      const boundary: Boundary = { file: String(row.resume_file), offset: Number(row.resume_offset), ...(row.resume_gtid === null ? {} : { gtid: String(row.resume_gtid) }) };
      const checkpoint: LaneCheckpoint = {
        lane: String(row.lane),
        applied: String(row.applied_key),
        position: row.file === null ? undefined : { file: String(row.file), offset: Number(row.file_offset), index: Number(row.change_index), ...(row.gtid === null ? {} : { gtid: String(row.gtid) }) },
        resume: boundary,
        sourceCommitTime: row.source_commit_text === null ? undefined : utc(row.source_commit_text),
        appliedAt: utc(row.applied_at_text) ?? new Date(0),
        rowsApplied: Number(row.rows_applied),
      };
      lanes.set(checkpoint.lane, checkpoint);
      if (resume === undefined || String(row.resume_key) > resume.key) resume = { key: String(row.resume_key), boundary };
    }
    return { lanes, resume: lanes.has(STREAM_LANE) ? resume?.boundary : undefined, sourceServer };
  }

  /** The statement that records a lane's progress; run it inside the transaction that applied the rows. */
  laneSql(lane: string, last: Position, resume: Boundary, sourceCommitTime: number, rows: number): string {
    const values = [
      this.stream, lane, positionKey(last), last.file, last.offset, last.index, last.gtid ?? null,
      resume.file, resume.offset, positionKey(resume), resume.gtid ?? null, new Date(sourceCommitTime), rows,
    ];
    return mysql.format(`INSERT INTO ${this.table} (stream, lane, applied_key, file, file_offset, change_index, gtid,
        resume_file, resume_offset, resume_key, resume_gtid, source_commit_time, applied_at, rows_applied)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)
      ON DUPLICATE KEY UPDATE applied_key = VALUES(applied_key), file = VALUES(file), file_offset = VALUES(file_offset),
        change_index = VALUES(change_index), gtid = VALUES(gtid), resume_file = VALUES(resume_file), resume_offset = VALUES(resume_offset),
        resume_key = VALUES(resume_key), resume_gtid = VALUES(resume_gtid), source_commit_time = VALUES(source_commit_time),
        applied_at = VALUES(applied_at), rows_applied = rows_applied + VALUES(rows_applied)`, values, false, 'Z');
  }

  /**
   * Records the stream's restart point on its own (snapshot finished, or progress while no lane
   * writes); `sourceServer` (the snapshot's) is written with it in the same statement.
   */
  async saveResume(resume: Boundary, connection?: PoolConnection, sourceServer?: string): Promise<void> {
    const values = [this.stream, STREAM_LANE, '', resume.file, resume.offset, positionKey(resume), resume.gtid ?? null];
    const server = sourceServer !== undefined && this.recordsSourceServer;
    await (connection ?? this.pool).query(`INSERT INTO ${this.table} (stream, lane, applied_key, resume_file, resume_offset, resume_key, resume_gtid, applied_at${server ? ', source_server' : ''})
      VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3)${server ? ', ?' : ''})
      ON DUPLICATE KEY UPDATE resume_file = VALUES(resume_file), resume_offset = VALUES(resume_offset), resume_key = VALUES(resume_key),
        resume_gtid = VALUES(resume_gtid), applied_at = VALUES(applied_at)${server ? ', source_server = VALUES(source_server)' : ''}`, server ? [...values, sourceServer] : values);
  }

  /** Records which source server the stream's positions belong to, for a stream row that has none. */
  async recordSourceServer(identity: string): Promise<void> {
    if (!this.recordsSourceServer) return;
    await this.pool.query(`UPDATE ${this.table} SET source_server = ? WHERE stream = ? AND lane = ?`, [identity, this.stream, STREAM_LANE]);
  }

  async forget(): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE stream = ?`, [this.stream]);
  }
}

function utc(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(`${(value as string).replace(' ', 'T')}Z`);
}
