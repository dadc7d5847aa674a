import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { introspectDatabase } from '../../src/mysql/schema-introspector.js';
import { startMariaDbServer, type MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { rowChangeStatements } from '../../src/sink/row-change-statements.js';
import { targetTable } from '../../src/sink/target-table.js';
import { PackedRowChange } from '../../src/source/packed-row-change.js';
import { changesFromBinlog } from '../env/binlog-changes.js';

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
      const changes = await changesFromBinlog(server, pool, 'pr', {
        serverId: 4245, count: 6,
        write: () => server.sql(Array.from({ length: 6 }, (_, i) => `INSERT INTO pr.t VALUES (${i}, 'v${i}')`).join(';\n')),
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
