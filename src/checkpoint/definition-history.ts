import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Boundary } from '../core/position.js';
import type { TableSchema } from '../core/table-schema.js';
import { createUnlessDenied } from '../mysql/privilege-denied.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';

export const DEFINITIONS_TABLE = '_scsc_definitions';
/** Rows per DELETE when many versions are pruned at once. */
const ROWS_PER_DELETE = 200;
/** Definition bytes per INSERT when many are recorded at once (well under any max_allowed_packet). */
const BYTES_PER_INSERT = 512 << 10;

/** A source table's definition as scsc read it, and from where in the binlog it holds. */
export interface DefinitionVersion {
  table: string;
  /** positionKey of the first binlog position it holds from: the end of the DDL that made it, or where the binlog ended when it was read. */
  validFrom: string;
  /** Where the source's binlog ended when it was read (undefined: unknown). */
  readAt: Boundary | undefined;
  /** undefined: no such table from there on (dropped or renamed away). */
  schema: TableSchema | undefined;
}

/**
 * The definitions scsc decoded a stream's rows with, in the target database (`_scsc_definitions`):
 * without FULL row metadata the binlog names neither a row's columns nor its ENUM/SET values, so a
 * restart that reads rows logged before a DDL needs the definition they were logged with, which the
 * source no longer has. Cleared when the stream takes a snapshot (its definitions are today's then).
 */
export class DefinitionHistory {
  readonly table: string;

  constructor(private readonly pool: Pool, database: string, readonly stream: string) {
    this.table = qualifiedTable(database, DEFINITIONS_TABLE);
  }

  /** False when this account may not create the table (an earlier version's target, set up by an administrator). */
  async ensureTable(): Promise<boolean> {
    return createUnlessDenied(this.pool, `CREATE TABLE IF NOT EXISTS ${this.table} (
      stream VARCHAR(191) NOT NULL,
      table_name VARCHAR(64) COLLATE utf8mb4_bin NOT NULL,
      valid_from VARCHAR(64) NOT NULL,
      read_file VARCHAR(255) NULL,
      read_offset BIGINT UNSIGNED NULL,
      definition LONGTEXT NULL,
      PRIMARY KEY (stream, table_name, valid_from)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='scsc: source table definitions by binlog position; do not edit while scsc runs'`);
  }

  async load(): Promise<DefinitionVersion[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT table_name, valid_from, read_file, read_offset, definition FROM ${this.table} WHERE stream = ? ORDER BY table_name, valid_from`, [this.stream]);
    return rows.map((row) => ({
      table: String(row.table_name),
      validFrom: String(row.valid_from),
      readAt: row.read_file === null ? undefined : { file: String(row.read_file), offset: Number(row.read_offset) },
      schema: row.definition === null ? undefined : JSON.parse(String(row.definition)) as TableSchema,
    }));
  }

  async record(versions: readonly DefinitionVersion[]): Promise<void> {
    let rows: unknown[][] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (rows.length === 0) return;
      await this.pool.query(`INSERT INTO ${this.table} (stream, table_name, valid_from, read_file, read_offset, definition) VALUES ?
        ON DUPLICATE KEY UPDATE read_file = VALUES(read_file), read_offset = VALUES(read_offset), definition = VALUES(definition)`, [rows]);
      rows = [];
      bytes = 0;
    };
    for (const v of versions) {
      const definition = v.schema === undefined ? null : JSON.stringify(v.schema);
      if (bytes + (definition?.length ?? 0) > BYTES_PER_INSERT) await flush();
      rows.push([this.stream, v.table, v.validFrom, v.readAt?.file ?? null, v.readAt?.offset ?? null, definition]);
      bytes += definition?.length ?? 0;
    }
    await flush();
  }

  /** Forgets the versions no restart from `fromKey` on can need (obsoleteVersions). */
  async prune(versions: readonly DefinitionVersion[], fromKey: string): Promise<void> {
    const obsolete = obsoleteVersions(versions, fromKey);
    for (let i = 0; i < obsolete.length; i += ROWS_PER_DELETE) {
      const keys = obsolete.slice(i, i + ROWS_PER_DELETE).map((v) => [this.stream, v.table, v.validFrom]);
      await this.pool.query(`DELETE FROM ${this.table} WHERE (stream, table_name, valid_from) IN (?)`, [keys]);
    }
  }

  async forget(): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE stream = ?`, [this.stream]);
  }
}

/** Per table, the versions before the last one that holds at `fromKey`: a restart from there on reads none of their rows. */
export function obsoleteVersions(versions: readonly DefinitionVersion[], fromKey: string): DefinitionVersion[] {
  const lastHolding = new Map<string, string>();
  for (const v of versions) if (v.validFrom <= fromKey && v.validFrom > (lastHolding.get(v.table) ?? '')) lastHolding.set(v.table, v.validFrom);
  return versions.filter((v) => v.validFrom < (lastHolding.get(v.table) ?? ''));
}
