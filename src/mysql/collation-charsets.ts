import type { Pool } from 'mysql2/promise';

/**
 * The server's character set of every collation id (the binlog names a column's character set by
 * its collation id). MariaDB 10.10+ lists the ids of its UCA 14 collations only in
 * COLLATION_CHARACTER_SET_APPLICABILITY, which has no ID column elsewhere.
 */
export async function readCollationCharsets(pool: Pool): Promise<Map<number, string>> {
  const charsets = new Map<number, string>();
  const add = (rows: unknown): void => {
    for (const row of rows as Array<{ id: number | string | null; charset: string }>) if (row.id !== null) charsets.set(Number(row.id), row.charset);
  };
  const [collations] = await pool.query('SELECT ID AS id, CHARACTER_SET_NAME AS charset FROM information_schema.COLLATIONS');
  add(collations);
  try {
    const [applicable] = await pool.query('SELECT ID AS id, CHARACTER_SET_NAME AS charset FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY');
    add(applicable);
  } catch {
    // MySQL and MariaDB before 10.10: COLLATIONS has them all.
  }
  return charsets;
}
