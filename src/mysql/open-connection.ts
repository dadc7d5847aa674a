import mysql, { type Connection } from 'mysql2/promise';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { toMysqlConnectionOptions } from '../config/mysql-connection-options.js';
import { classifyMysqlError } from './classify-mysql-error.js';

/**
 * Opens one connection for `role` (source, target, a, b): exact types (big numbers and dates as
 * strings), and connection failures turned into ScscErrors that name the server without its password.
 */
export async function openConnection(url: DatabaseUrl, role: string): Promise<Connection> {
  try {
    return await mysql.createConnection(toMysqlConnectionOptions(url));
  } catch (error) {
    throw classifyMysqlError(error, `${role} ${describeEndpoint(url)}`);
  }
}
