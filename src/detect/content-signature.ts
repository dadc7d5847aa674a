import { createHash } from 'node:crypto';
import { tableFilter } from '../core/table-filter.js';
import { queryRows, str, type Queryable } from '../mysql/query-rows.js';
import { qualifiedTable } from '../mysql/sql-identifier.js';
import type { Signature } from './signature.js';

/** Tables per CHECKSUM TABLE statement: one round trip for most databases, bounded statement size. */
const TABLES_PER_STATEMENT = 100;

/**
 * A content signature of the selected tables of `database`: per table, the server's
 * `CHECKSUM TABLE ... EXTENDED` plus a hash of the column definitions.
 *
 * Why CHECKSUM TABLE EXTENDED: the server reads every row (with the consistent, non-locking read of
 * InnoDB) and folds a checksum of each row's stored bytes, NULL flags included, without sending a row
 * to the client; nothing cheaper is exact. `QUICK` only answers for MyISAM/Aria tables created with
 * CHECKSUM=1 (NULL for InnoDB), and information_schema's UPDATE_TIME / TABLE_ROWS / DATA_LENGTH are
 * estimates that InnoDB does not keep across restarts or for every change. The checksum is 32 bits
 * wide: a change goes unnoticed only if it maps to the same checksum (about 1 in 4 billion), the same
 * trade the Python tool made. The column definitions are hashed too, because a schema change (a new
 * NULL column) does not always change the row checksum. Cost: a full scan of every selected table per
 * check, done inside the server.
 *
 * Only the selected tables count (--include / --exclude, as the sync engine selects them, `_scsc_*`
 * tables left out), so a write to an excluded table does not change the signature; a table added to or
 * removed from the selection does.
 */
export async function readContentSignature(
  db: Queryable, database: string, include: readonly string[], exclude: readonly string[],
): Promise<Extract<Signature, { detector: 'content' }>> {
  const filter = tableFilter(include, exclude);
  const tableRows = await queryRows(db, `SELECT TABLE_NAME AS t FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME`, [database]);
  const tables = tableRows.map((row) => str(row.t) ?? '').filter((name) => name !== '' && filter.matches(name));
  if (tables.length === 0) return { detector: 'content', tables: {} };

  const definitions = await columnDefinitionHashes(db, database, new Set(tables));
  const checksums = new Map<string, string>();
  for (let i = 0; i < tables.length; i += TABLES_PER_STATEMENT) {
    const batch = tables.slice(i, i + TABLES_PER_STATEMENT);
    // One row per table, in the order named (the Table column is `db.table`, ambiguous with dots).
    const rows = await queryRows(db, `CHECKSUM TABLE ${batch.map((t) => qualifiedTable(database, t)).join(', ')} EXTENDED`);
    batch.forEach((name, index) => checksums.set(name, str(rows[index]?.Checksum) ?? 'none'));
  }
  const signature: Record<string, string> = {};
  for (const name of tables) signature[name] = `${checksums.get(name) ?? 'none'}/${definitions.get(name) ?? 'none'}`;
  return { detector: 'content', tables: signature };
}

async function columnDefinitionHashes(db: Queryable, database: string, tables: Set<string>): Promise<Map<string, string>> {
  const rows = await queryRows(db, `SELECT TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
    COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLLATION_NAME AS collation, GENERATION_EXPRESSION AS expr
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, [database]);
  const texts = new Map<string, string[]>();
  for (const row of rows) {
    const table = str(row.t) ?? '';
    if (!tables.has(table)) continue;
    const fields = [row.name, row.type, row.nullable, row.dflt, row.extra, row.collation, row.expr].map((v) => str(v) ?? '\u0000');
    texts.set(table, [...(texts.get(table) ?? []), JSON.stringify(fields)]);
  }
  const hashes = new Map<string, string>();
  for (const [table, lines] of texts) hashes.set(table, createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16));
  return hashes;
}
