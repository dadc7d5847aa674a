import { ScscError } from '../core/scsc-error.js';
import type { DatabaseUrl } from './database-url.js';

/** Table-level commands compare one database on each side: both URLs must name it. */
export function requireDatabases(source: DatabaseUrl, target: DatabaseUrl): { source: string; target: string } {
  if (source.database === undefined || target.database === undefined) {
    throw new ScscError('URL_INVALID', `both URLs need a database (source ${source.display}, target ${target.display})`, {
      fix: 'add the database to the URL path: mysql://user@host:3306/<database>',
    });
  }
  return { source: source.database, target: target.database };
}
