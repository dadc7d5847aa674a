import { setTimeout as delay } from 'node:timers/promises';
import mysql, { type Connection } from 'mysql2/promise';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';

/** The CDC benchmarks' 8 tables: common column types, a secondary index, about 150 bytes a row. */
export const CDC_TABLES = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'] as const;
/** The id of the end marker row inserted last into every table: visible everywhere = caught up. */
export const MARKER_ID = '1000000000000000';

const tableDdl = (name: string): string => `CREATE TABLE ${name} (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  account_id INT NOT NULL,
  name VARCHAR(64) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  score DOUBLE,
  status TINYINT NOT NULL,
  written_at DATETIME(6) NOT NULL,
  note VARCHAR(255),
  KEY by_account (account_id)
)`;

/** Creates the database and the 8 tables; `prefill` rows per table (ids 1..prefill) generated in the server. */
export async function createCdcSchema(server: MariaDbServer, database: string, prefill = 0): Promise<void> {
  const statements = [`CREATE DATABASE ${database}`, `USE ${database}`, ...CDC_TABLES.map(tableDdl)];
  if (prefill > 0) {
    for (const table of CDC_TABLES) {
      statements.push(`INSERT INTO ${table} SELECT seq, seq % 1000, CONCAT('row-', seq), seq / 100, seq * 1.5, seq % 5,
        UTC_TIMESTAMP(6), IF(seq % 10 = 0, NULL, REPEAT('x', seq % 120)) FROM seq_1_to_${prefill}`);
    }
  }
  await server.sql(statements.join(';\n'));
}

export function connect(server: MariaDbServer, database: string): Promise<Connection> {
  return mysql.createConnection({ host: server.host, port: server.port, user: 'root', database, multipleStatements: true, dateStrings: true });
}

/** The client clock in epoch milliseconds with sub-millisecond resolution. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function datetime6(epochMs: number): string {
  const micros = Math.floor((epochMs % 1000) * 1000).toString().padStart(6, '0');
  return `${new Date(Math.floor(epochMs)).toISOString().slice(0, 19).replace('T', ' ')}.${micros}`;
}

export function parseDatetime6(text: string): number {
  const [whole, fraction = '0'] = text.split('.');
  return Date.parse(`${whole?.replace(' ', 'T') ?? ''}Z`) + Number(fraction.padEnd(6, '0')) / 1000;
}

/** mulberry32: the same seed gives the same workload on every run. */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export function rowValues(id: number | string, random: (n: number) => number, writtenAt: string): string {
  const note = random(10) === 0 ? 'NULL' : `'${'n'.repeat(random(120))}'`;
  return `(${id}, ${random(5000)}, 'name-${random(1e9)}', ${random(1e7) / 100}, ${random(1e9) / 7}, ${random(5)}, '${writtenAt}', ${note})`;
}

export interface Backlog {
  changes: number;
  transactions: number;
  seconds: number;
}

/**
 * Writes about `changes` row changes: transactions of two statements on two different tables, each
 * a 5-row insert (50%), a 5-row update by key range (35%) or a 3-row delete of the oldest rows (15%);
 * then the end marker row into every table. Tables must hold ids 1..prefill.
 */
export async function writeBacklog(server: MariaDbServer, database: string, changes: number, prefill: number, seed = 1): Promise<Backlog> {
  const random = seededRandom(seed);
  const live = CDC_TABLES.map(() => ({ lo: 1, hi: prefill + 1 }));
  const connection = await connect(server, database);
  const started = performance.now();
  let written = 0;
  let transactions = 0;
  try {
    let chunk: string[] = [];
    while (written < changes) {
      const first = random(CDC_TABLES.length);
      const second = (first + 1 + random(CDC_TABLES.length - 1)) % CDC_TABLES.length;
      chunk.push('START TRANSACTION');
      for (const index of [first, second]) {
        const table = CDC_TABLES[index] as string;
        const range = live[index] as { lo: number; hi: number };
        const kind = range.hi - range.lo < 20 ? 0 : random(100);
        const at = datetime6(nowMs());
        if (kind < 50) {
          const rows = Array.from({ length: 5 }, (_, i) => rowValues(range.hi + i, random, at));
          chunk.push(`INSERT INTO ${table} VALUES ${rows.join(', ')}`);
          range.hi += 5;
          written += 5;
        } else if (kind < 85) {
          const from = range.lo + random(range.hi - range.lo - 5);
          chunk.push(`UPDATE ${table} SET amount = amount + 1.25, score = score * 1.01, status = (status + 1) % 5,
            name = 'upd-${random(1e9)}', written_at = '${at}' WHERE id BETWEEN ${from} AND ${from + 4}`);
          written += 5;
        } else {
          chunk.push(`DELETE FROM ${table} WHERE id BETWEEN ${range.lo} AND ${range.lo + 2}`);
          range.lo += 3;
          written += 3;
        }
      }
      chunk.push('COMMIT');
      transactions++;
      if (chunk.length >= 400) {
        await connection.query(chunk.join(';\n'));
        chunk = [];
      }
    }
    const at = datetime6(nowMs());
    chunk.push(...CDC_TABLES.map((table) => `INSERT INTO ${table} VALUES ${rowValues(MARKER_ID, random, at)}`));
    await connection.query(chunk.join(';\n'));
  } finally {
    await connection.end();
  }
  return { changes: written, transactions, seconds: (performance.now() - started) / 1000 };
}

/**
 * Polls (every 20 ms, one cheap query) until the marker row is visible in every table; returns the
 * milliseconds waited. `failure` names a reason to give up early (the replicator died).
 */
export async function waitForMarkers(server: MariaDbServer, database: string, options: { timeoutMs: number; failure?: () => Promise<string | undefined> }): Promise<number> {
  const started = performance.now();
  const connection = await connect(server, database);
  const sql = `SELECT ${CDC_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t} WHERE id = ${MARKER_ID})`).join(' + ')} AS seen`;
  try {
    for (let round = 0; ; round++) {
      const [rows] = await connection.query(sql);
      if (Number((rows as { seen: string }[])[0]?.seen) === CDC_TABLES.length) return performance.now() - started;
      if (performance.now() - started > options.timeoutMs) throw new Error(`end markers not visible on ${server.name} after ${options.timeoutMs} ms`);
      if (round % 25 === 0) {
        const reason = await options.failure?.();
        if (reason !== undefined) throw new Error(reason);
      }
      await delay(20);
    }
  } finally {
    await connection.end();
  }
}

/** Tables whose CHECKSUM TABLE or row count differs between the two servers. */
export async function differingTables(source: MariaDbServer, copy: MariaDbServer, database: string): Promise<string[]> {
  const read = async (server: MariaDbServer): Promise<Map<string, string>> => {
    const list = CDC_TABLES.map((t) => `${database}.${t}`).join(', ');
    const sums = (await server.sql(`CHECKSUM TABLE ${list}`)) as { Table: string; Checksum: string }[];
    const counts = (await server.sql(CDC_TABLES.map((t) => `SELECT '${database}.${t}' AS name, COUNT(*) AS n FROM ${database}.${t}`).join(' UNION ALL '))) as { name: string; n: string }[];
    return new Map(sums.map((s) => [s.Table, `${s.Checksum}/${counts.find((c) => c.name === s.Table)?.n ?? '?'}`]));
  };
  const [a, b] = await Promise.all([read(source), read(copy)]);
  return [...a].filter(([table, sum]) => b.get(table) !== sum).map(([table]) => table);
}

export function checked(differing: string[]): string {
  return differing.length === 0 ? 'checksums equal' : `DIFFERS in ${differing.join(', ')}`;
}

/**
 * Copies the tables into `<database>_base`, to reset them to later with restoreBase. Outside the
 * binlog: a replica's own writes must not reach its binlog's GTIDs.
 */
export async function saveBase(server: MariaDbServer, database: string, tables: readonly string[]): Promise<void> {
  await server.sql(`SET sql_log_bin = 0; CREATE DATABASE ${database}_base; ${tables.map((t) => `CREATE TABLE ${database}_base.${t} LIKE ${database}.${t}; INSERT INTO ${database}_base.${t} SELECT * FROM ${database}.${t}`).join('; ')}`);
}

export async function restoreBase(server: MariaDbServer, database: string, tables: readonly string[]): Promise<void> {
  await server.sql(`SET sql_log_bin = 0; ${tables.map((t) => `TRUNCATE ${database}.${t}; INSERT INTO ${database}.${t} SELECT * FROM ${database}_base.${t}`).join('; ')}`);
}
