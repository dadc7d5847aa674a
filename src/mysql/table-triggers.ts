import { queryRows, str, type Queryable } from './query-rows.js';

/**
 * The triggers of a database's tables, by table name. MariaDB lists them to any account with a
 * privilege on the table; MySQL only to one with the TRIGGER privilege. A write to a table runs its
 * triggers; a native replica does not run them for the rows it applies, so scsc refuses such tables
 * unless told to let them run.
 */
export async function readTableTriggers(db: Queryable, database: string): Promise<Map<string, string[]>> {
  const rows = await queryRows(db, `SELECT EVENT_OBJECT_TABLE AS tbl, TRIGGER_NAME AS name FROM information_schema.TRIGGERS
    WHERE EVENT_OBJECT_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME`, [database]);
  const triggers = new Map<string, string[]>();
  for (const row of rows) {
    const table = str(row.tbl) ?? '';
    triggers.set(table, [...(triggers.get(table) ?? []), str(row.name) ?? '']);
  }
  return triggers;
}

/** Why a table with these triggers on the target is not written (the same words for sync and replicate). */
export function triggersReason(table: string, names: readonly string[]): string {
  return `${table} has trigger${names.length > 1 ? 's' : ''} ${names.join(', ')} on the target, which would run for every row scsc writes`;
}
