import type { RowValue } from '../core/row-value.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { keyInSql } from '../reconcile/key-range.js';
import type { TableSide } from '../reconcile/table-side.js';

export interface BatchLimits {
  /** Rows per statement. */
  rows: number;
  /** Bytes per statement, kept under the server's max_allowed_packet. */
  bytes: number;
}

/**
 * Multi-row INSERTs (or upserts) from ready `(v1, v2, ...)` tuples in target.columns order (the
 * source server renders them, see reconcile/tuple-sql.ts), each within the row and byte limits: one
 * statement is one atomic write, so an interrupted run never leaves half a batch behind.
 */
export function insertTupleStatements(target: TableSide, tuples: readonly string[], limits: BatchLimits, mode: 'insert' | 'upsert' = 'insert'): string[] {
  const names = target.columns.map((c) => quoteIdentifier(c.name));
  const head = `INSERT INTO ${target.from} (${names.join(', ')}) VALUES `;
  const tail = mode === 'upsert' ? upsertClause(names, target.upsertRowAlias) : '';
  return pack(tuples, head, tail, ', ', limits);
}

/**
 * The ON DUPLICATE KEY UPDATE tail that makes an INSERT of these (quoted) columns an upsert: MySQL
 * 8.0.19+ with a row alias (VALUES() is deprecated there), MariaDB with VALUES(col).
 */
export function upsertClause(quotedNames: readonly string[], rowAlias: boolean): string {
  return rowAlias
    ? ` AS _scsc_new ON DUPLICATE KEY UPDATE ${quotedNames.map((n) => `${n} = _scsc_new.${n}`).join(', ')}`
    : ` ON DUPLICATE KEY UPDATE ${quotedNames.map((n) => `${n} = VALUES(${n})`).join(', ')}`;
}

export function deleteStatements(target: TableSide, keys: ReadonlyArray<readonly RowValue[]>, limits: BatchLimits): string[] {
  const statements: string[] = [];
  const perStatement = Math.max(1, Math.min(limits.rows, 1000));
  for (let i = 0; i < keys.length; i += perStatement) {
    statements.push(`DELETE FROM ${target.from} WHERE ${keyInSql(target.keyColumns, keys.slice(i, i + perStatement))}`);
  }
  return statements;
}

function pack(items: readonly string[], head: string, tail: string, separator: string, limits: BatchLimits): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let bytes = head.length + tail.length;
  for (const item of items) {
    const size = Buffer.byteLength(item) + separator.length;
    if (current.length > 0 && (current.length >= limits.rows || bytes + size > limits.bytes)) {
      statements.push(head + current.join(separator) + tail);
      current = [];
      bytes = head.length + tail.length;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) statements.push(head + current.join(separator) + tail);
  return statements;
}
