import { queryRows, type Queryable } from '../mysql/query-rows.js';

/**
 * XA transactions prepared on the server and not yet committed or rolled back (XA RECOVER, every
 * database); undefined when the account may not list them (MySQL 8 needs XA_RECOVER_ADMIN).
 */
export async function countPreparedXa(db: Queryable): Promise<number | undefined> {
  return queryRows(db, 'XA RECOVER').then((rows) => rows.length, () => undefined);
}
