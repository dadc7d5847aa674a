import type { RowDataPacket } from 'mysql2/promise';

/** Anything that can run a query: a mysql2 promise Connection, PoolConnection or Pool. */
export interface Queryable {
  query<T extends RowDataPacket[]>(sql: string, values?: unknown): Promise<[T, unknown]>;
}

export type Row = Record<string, unknown>;

export async function queryRows(db: Queryable, sql: string, values?: unknown[]): Promise<Row[]> {
  const [rows] = await db.query<RowDataPacket[]>(sql, values);
  return rows;
}

export function str(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return value.toString();
    default:
      return JSON.stringify(value);
  }
}

export function num(value: unknown): number {
  return Number(str(value) ?? Number.NaN);
}
