import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';

/** The benchmark table: 6 columns, about 100 bytes a row, generated inside the server. */
export const BENCH_TABLE_DDL = `CREATE TABLE items (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  qty INT NOT NULL,
  name VARCHAR(40) NOT NULL,
  price DECIMAL(12,2) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  tag CHAR(32) NOT NULL
)`;

/**
 * The table's primary key: `id` itself, or a UUID in text (CHAR(36), what many applications use) in
 * front of the same columns, with `id` kept as a plain column so the same drift can be planted.
 */
export type BenchKey = 'integer' | 'uuid';

/** The benchmark table keyed by a UUID in text. */
export const BENCH_UUID_TABLE_DDL = BENCH_TABLE_DDL.replace('id BIGINT UNSIGNED NOT NULL PRIMARY KEY,', 'uuid CHAR(36) NOT NULL PRIMARY KEY,\n  id BIGINT UNSIGNED NOT NULL,');

export async function createBenchTable(server: MariaDbServer, database: string, rows: number, withRows = true, key: BenchKey = 'integer'): Promise<void> {
  await server.sql(`CREATE DATABASE IF NOT EXISTS ${database}; USE ${database}; ${key === 'uuid' ? BENCH_UUID_TABLE_DDL : BENCH_TABLE_DDL}`);
  if (withRows) await fillBenchTable(server, database, 1, rows, key);
}

/** A version-4-shaped UUID made from MD5(seq): random-looking key order, the same on every run. */
const UUID_OF_SEQ = "CONCAT_WS('-', LEFT(MD5(seq), 8), SUBSTR(MD5(seq), 9, 4), SUBSTR(MD5(seq), 13, 4), SUBSTR(MD5(seq), 17, 4), SUBSTR(MD5(seq), 21, 12))";

export async function fillBenchTable(server: MariaDbServer, database: string, from: number, to: number, key: BenchKey = 'integer'): Promise<void> {
  await server.sql(`USE ${database}; INSERT INTO ${database}.items
    SELECT ${key === 'uuid' ? `${UUID_OF_SEQ}, ` : ''}seq, seq * 7 % 1000, CONCAT('item-', seq, '-', seq % 97), seq / 100, TIMESTAMP'2026-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL seq % 1000000 MICROSECOND, MD5(seq)
    FROM seq_${from}_to_${to}`);
}

/**
 * About 1% drift of `rows`: a third changed, a third deleted, a third extra rows on the target.
 * Returns the planted counts.
 */
export async function plantDrift(target: MariaDbServer, database: string, rows: number, key: BenchKey = 'integer'): Promise<{ changed: number; missing: number; extra: number }> {
  const every = 300;
  await target.sql(`UPDATE ${database}.items SET qty = qty + 1 WHERE id % ${every} = 0;
    DELETE FROM ${database}.items WHERE id % ${every} = 1;`);
  const extra = Math.floor(rows / every);
  await fillBenchTable(target, database, rows + 1, rows + extra, key);
  return { changed: Math.floor(rows / every), missing: Math.floor((rows - 1) / every) + 1, extra };
}
