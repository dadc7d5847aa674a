import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { introspectDatabase } from '../../src/mysql/schema-introspector.js';
import { createLogger } from '../../src/observability/logger.js';
import { startMariaDbServer, type MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { rowChangeStatements } from '../../src/sink/row-change-statements.js';
import { targetTable } from '../../src/sink/target-table.js';
import { readBinlogHead } from '../../src/source/binlog-head.js';
import { BinlogSource } from '../../src/source/binlog-source.js';
import { PackedRowChange } from '../../src/source/packed-row-change.js';
import { SourceSchemaCache } from '../../src/source/source-schema-cache.js';

/*
 * Every source transaction brings its own table map. Packed rows of one table read under identical
 * table maps must share one reader, so that their upserts go into one multi-row INSERT, also in a
 * stream of inserts only (this file runs in a process of its own that never sees an UPDATE event:
 * zongji's update reader is then never replaced, which once made every table map compile anew).
 */

describe('packed rows of many transactions', () => {
  let server: MariaDbServer;
  before(async () => {
    server = await startMariaDbServer({ name: 'packed-runs' });
    await server.sql('CREATE DATABASE pr; CREATE TABLE pr.t (id INT PRIMARY KEY, v VARCHAR(10))');
  });
  after(async () => server?.stop());

  it('go into one INSERT, in a stream of inserts only', async () => {
    const pool = mysql.createPool({ uri: server.url('pr'), connectionLimit: 2 });
    try {
      const from = await readBinlogHead(pool);
      const schemas = await SourceSchemaCache.load(pool, 'pr');
      const source = new BinlogSource({
        url: parseDatabaseUrl(server.url('pr'), 'source'), database: 'pr', selects: () => true, schemas, logger: createLogger({ level: 'silent' }), serverId: 4245,
      });
      await server.sql(Array.from({ length: 6 }, (_, i) => `INSERT INTO pr.t VALUES (${i}, 'v${i}')`).join(';\n'));
      const changes: ChangeEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        const subscription = source.changes(from).subscribe({
          next: (event) => {
            if (event.kind === 'commit') return;
            changes.push(event);
            if (changes.length === 6) {
              subscription.unsubscribe();
              resolve();
            }
          },
          error: reject,
        });
      });
      const packed = changes.slice(1);
      assert.ok(packed.every((event) => event instanceof PackedRowChange), 'after the first insert event, rows stay packed');
      const schema = (await introspectDatabase(pool, 'pr')).find((t) => t.name === 't');
      const table = schema === undefined ? undefined : targetTable(schema);
      assert.ok(table !== undefined);
      const statements = rowChangeStatements(table, packed, { rows: 1000, bytes: 1 << 20, upsertRowAlias: false, keepOrder: false });
      assert.equal(statements.length, 1, statements.join('\n'));
      assert.match(statements[0] as string, /VALUES \(1, 'v1'\), \(2, 'v2'\), \(3, 'v3'\), \(4, 'v4'\), \(5, 'v5'\) ON DUPLICATE KEY UPDATE/);
    } finally {
      await pool.end();
    }
  });
});
