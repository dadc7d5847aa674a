import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseDatabaseUrl } from '../src/config/database-url.js';
import { openConnection } from '../src/mysql/open-connection.js';
import { introspectDatabase } from '../src/mysql/schema-introspector.js';
import { findBinary } from '../src/sandbox/find-binary.js';
import type { MariaDbServer } from '../src/sandbox/mariadb-server.js';
import type { BenchResult } from './bench-result.js';
import { median } from './bench-result.js';

const run = promisify(execFile);
const TABLES = 400;
const ROUNDS = 5;

/**
 * Schema read of a 400-table database (12 columns, a unique key and a foreign key per table):
 * scsc's introspection, which `scsc check` and every sync start with, against `mariadb-dump
 * --no-data`, the usual way tools read a whole schema.
 */
export async function introspectionBench(server: MariaDbServer): Promise<BenchResult> {
  const statements = ['CREATE DATABASE bench_schema; USE bench_schema;'];
  for (let i = 0; i < TABLES; i++) {
    statements.push(`CREATE TABLE t${i} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, code VARCHAR(40) NOT NULL,
      name VARCHAR(200), price DECIMAL(12,2), qty INT, created DATETIME(6), flags SET('a','b','c'), kind ENUM('x','y'),
      payload JSON, blobby BLOB, parent BIGINT UNSIGNED NULL, note TEXT, UNIQUE KEY uk_code (code),
      ${i === 0 ? 'KEY k_parent (parent)' : `CONSTRAINT fk_${i} FOREIGN KEY (parent) REFERENCES t${i - 1} (id)`});`);
  }
  await server.sql(statements.join('\n'));

  // Each round connects, as `scsc check` does and as the dump tool must: the comparison is end to end.
  const url = parseDatabaseUrl(server.url('bench_schema'), 'bench');
  const scscTimes: number[] = [];
  let tables = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const connection = await openConnection(url, 'bench');
    try {
      tables = (await introspectDatabase(connection, 'bench_schema')).length;
    } finally {
      await connection.end();
    }
    scscTimes.push(performance.now() - started);
  }

  const dump = findBinary('mariadb-dump') ?? findBinary('mysqldump');
  if (dump === undefined) throw new Error('mariadb-dump not found: sudo apt-get install -y mariadb-client');
  const peerTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await run(dump, ['-h', server.host, '-P', String(server.port), '-u', 'root', '--no-data', '--skip-triggers', 'bench_schema'], { maxBuffer: 64 << 20 });
    peerTimes.push(performance.now() - started);
  }
  if (tables !== TABLES) throw new Error(`introspection found ${tables} tables, expected ${TABLES}`);
  const scsc = median(scscTimes);
  const peer = median(peerTimes);
  return {
    name: `schema read, ${TABLES} tables`,
    scsc: `${scsc.toFixed(0)} ms`,
    peer: `mariadb-dump --no-data ${peer.toFixed(0)} ms`,
    ratio: peer / scsc,
  };
}
