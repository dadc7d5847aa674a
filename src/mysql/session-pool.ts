import { format } from 'mysql2';
import mysql, { type Pool, type PoolOptions, type TypeCast } from 'mysql2/promise';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { toMysqlConnectionOptions } from '../config/mysql-connection-options.js';
import { classifyMysqlError } from './classify-mysql-error.js';

export interface SessionPoolOptions {
  /** source, target, a, b: names the server in errors. */
  role: string;
  connections: number;
  /** Writing sessions turn foreign key checks off unless this is set. */
  keepFkChecks?: boolean;
  /** Several statements per query (the replicator sends a whole batch transaction in one round trip). */
  multipleStatements?: boolean;
}

const NUMERIC_TYPES = new Set(['TINY', 'SHORT', 'LONG', 'INT24', 'LONGLONG', 'FLOAT', 'DOUBLE', 'DECIMAL', 'NEWDECIMAL', 'YEAR']);

/** Numbers stay exact text, GEOMETRY stays bytes; everything else as mysql2 decodes it. */
const exactTypeCast: TypeCast = (field, next) => {
  if (NUMERIC_TYPES.has(field.type)) return field.string();
  if (field.type === 'GEOMETRY') return field.buffer();
  return next();
};

/**
 * mysql2's own formatting scans a statement for placeholders even when it has no values, which costs
 * more than sending a multi-megabyte INSERT: statements without values go as they are.
 */
function queryFormat(sql: string, values: unknown, timezone?: string): string {
  return values === undefined || (Array.isArray(values) && values.length === 0) ? sql : format(sql, values as Parameters<typeof format>[1], false, timezone);
}

/**
 * Session settings every scsc connection runs with: UTC for TIMESTAMP, strict writes that still accept
 * zero dates, 0 stored as 0 in AUTO_INCREMENT columns, utf8mb4, and FK checks off for writers unless
 * asked. Both servers of a comparison read values in the same form because of this.
 */
export function sessionSettingsSql(keepFkChecks: boolean): string {
  return [
    "SET SESSION time_zone = '+00:00'",
    "sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'",
    `foreign_key_checks = ${keepFkChecks ? 1 : 0}`,
    'unique_checks = 1',
  ].join(', ');
}

/**
 * The longest text a session's GROUP_CONCAT builds (its group_concat_max_len; the default, 1 KB, is
 * far too short for a chunk's list of row digests). The server also cuts at max_allowed_packet, when
 * that is smaller (the smallest default is MySQL 5.7's 4 MiB); the queries relying on it read both.
 */
export const GROUP_CONCAT_BYTES = 4 * 1024 * 1024 - 1024;

/** A small pool of connections with scsc's session settings and exact value decoding. */
export async function openSessionPool(url: DatabaseUrl, options: SessionPoolOptions): Promise<Pool> {
  const settings = `${sessionSettingsSql(options.keepFkChecks === true)}, group_concat_max_len = ${GROUP_CONCAT_BYTES}`;
  const poolOptions: PoolOptions = {
    ...toMysqlConnectionOptions(url),
    connectionLimit: options.connections,
    maxIdle: options.connections,
    typeCast: exactTypeCast,
    jsonStrings: true,
    multipleStatements: options.multipleStatements === true,
    queryFormat,
  };
  const pool = mysql.createPool(poolOptions);
  // A connection whose session settings failed would compare TIMESTAMPs in another time zone or
  // write under another sql_mode: it is destroyed, and the query waiting for it fails.
  pool.pool.on('connection', (connection) => {
    connection.query(settings, (error: unknown) => {
      if (error !== null && error !== undefined) connection.destroy();
    });
  });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw classifyMysqlError(error, `${options.role} ${describeEndpoint(url)}`);
  }
  return pool;
}
