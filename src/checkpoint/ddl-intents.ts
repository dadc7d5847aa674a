import type { Pool, RowDataPacket } from 'mysql2/promise';
import mysql from 'mysql2';
import { createUnlessDenied } from '../mysql/privilege-denied.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';

const ER_NO_SUCH_TABLE = 1146;
/** Where InnoDB lists its tables with their ids (a RENAME keeps a table's id): MariaDB's, then MySQL 8's. */
const INNODB_TABLES = ['information_schema.INNODB_SYS_TABLES', 'information_schema.INNODB_TABLES'];

export const DDL_INTENTS_TABLE = '_scsc_ddl';

/**
 * The DDL the applier is about to run on the target, noted with how its tables looked just before
 * (`_scsc_ddl`, one row per stream). DDL is not transactional: after a stop between running it and
 * its checkpoint, a restart would run it again (a column or table swap would swap back, a rename
 * would fail for good). A restart that finds the note, and the tables changed since, knows it ran.
 * The note is cleared with the DDL's checkpoint.
 */
export class DdlIntents {
  readonly table: string;

  constructor(private readonly pool: Pool, database: string, private readonly stream: string) {
    this.table = qualifiedTable(database, DDL_INTENTS_TABLE);
  }

  /** False when this account may not create the table (a DDL is then run again after such a stop, as before). */
  async ensureTable(): Promise<boolean> {
    return createUnlessDenied(this.pool, `CREATE TABLE IF NOT EXISTS ${this.table} (
      stream VARCHAR(191) NOT NULL,
      ddl_key VARCHAR(64) NOT NULL,
      tables_before LONGTEXT NOT NULL,
      noted_at DATETIME(3) NOT NULL,
      PRIMARY KEY (stream)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='scsc: the DDL being run on this target, and its tables before; do not edit while scsc runs'`);
  }

  /** How the tables looked before the DDL at `key`, when it was noted and not checkpointed. */
  async noted(key: string): Promise<string | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT tables_before FROM ${this.table} WHERE stream = ? AND ddl_key = ?`, [this.stream, key]);
    const before = rows[0]?.tables_before as string | Buffer | null | undefined;
    return before === undefined || before === null ? undefined : before.toString();
  }

  async note(key: string, tablesBefore: string): Promise<void> {
    await this.pool.query(`REPLACE INTO ${this.table} (stream, ddl_key, tables_before, noted_at) VALUES (?, ?, ?, NOW(3))`, [this.stream, key, tablesBefore]);
  }

  /** The statement that clears the note, for the DDL's checkpoint transaction. */
  clearSql(): string {
    return mysql.format(`DELETE FROM ${this.table} WHERE stream = ?`, [this.stream]);
  }

  async clear(): Promise<void> {
    await this.pool.query(this.clearSql());
  }
}

/**
 * How these tables of `database` look to a DDL: each one's SHOW CREATE TABLE without the
 * AUTO_INCREMENT counter (null when missing), and InnoDB's id of each where this account may read
 * it (PROCESS): a swap of two tables defined alike shows only in their ids.
 */
export async function tablesFingerprint(pool: Pool, database: string, tables: readonly string[]): Promise<string> {
  const created: Array<string | null> = [];
  for (const table of tables) {
    try {
      const [rows] = await pool.query<RowDataPacket[]>(`SHOW CREATE TABLE ${qualifiedTable(database, table)}`);
      created.push(String(rows[0]?.['Create Table'] ?? '').replace(/ AUTO_INCREMENT=\d+/g, ''));
    } catch (error) {
      if ((error as { errno?: number }).errno !== ER_NO_SUCH_TABLE) throw error;
      created.push(null);
    }
  }
  return JSON.stringify({ created, ids: await innodbTableIds(pool, database, tables) });
}

async function innodbTableIds(pool: Pool, database: string, tables: readonly string[]): Promise<Array<string | null> | undefined> {
  if (tables.length === 0) return [];
  const names = tables.map((table) => `${database}/${table}`);
  for (const source of INNODB_TABLES) {
    try {
      const [rows] = await pool.query<RowDataPacket[]>(`SELECT NAME AS name, TABLE_ID AS id FROM ${source} WHERE NAME IN (?)`, [names]);
      const ids = new Map(rows.map((row) => [String(row.name), String(row.id)]));
      return names.map((name) => ids.get(name) ?? null);
    } catch {
      // not this flavour's table, or no PROCESS privilege
    }
  }
  return undefined;
}
