import type { Queryable } from './query-rows.js';

/** The server refused a statement for want of a table, database or global privilege (1142, 1044, 1227). */
const PRIVILEGE_DENIED = new Set([1142, 1044, 1227]);

export function isPrivilegeDenied(error: unknown): boolean {
  const errno = (error as { errno?: number } | undefined)?.errno;
  return errno !== undefined && PRIVILEGE_DENIED.has(errno);
}

/** Runs a CREATE TABLE IF NOT EXISTS; false when this account may not (scsc then goes on without the table). */
export async function createUnlessDenied(db: Queryable, sql: string): Promise<boolean> {
  try {
    await db.query(sql);
    return true;
  } catch (error) {
    if (isPrivilegeDenied(error)) return false;
    throw error;
  }
}
