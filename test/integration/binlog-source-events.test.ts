import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { startMariaDbServer, type MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { PackedRowChange } from '../../src/source/packed-row-change.js';
import { binlogSourceAtHead, changesFromBinlog } from '../env/binlog-changes.js';

/**
 * The ChangeEvent contract as BinlogSource emits it: kinds, images, key (from the before image for
 * updates and deletes) and newKey (only when an update changes the key). The first insert and
 * update events are read by zongji, the ones after them by scsc's reader, whose full images stay
 * packed until read: every statement runs twice, so both paths must agree, and JSON carries the images.
 */
describe('BinlogSource change events', () => {
  let server: MariaDbServer;
  before(async () => {
    server = await startMariaDbServer({ name: 'binlog-events' });
    await server.sql('CREATE DATABASE ev; CREATE TABLE ev.t (id INT NOT NULL, part CHAR(2) NOT NULL, v VARCHAR(20), b VARBINARY(4), PRIMARY KEY (id, part))');
  });
  after(async () => server?.stop());

  it('carries images, key and newKey alike on both decoding paths', async () => {
    const pool = mysql.createPool({ uri: server.url('ev'), connectionLimit: 2 });
    try {
      const rows = await changesFromBinlog(server, pool, 'ev', {
        serverId: 4242, count: 10,
        write: async () => {
          for (const round of [1, 2]) {
            await server.sql(`INSERT INTO ev.t VALUES (${round}, 'a', 'one', X'00ff'), (${round + 10}, 'b', NULL, NULL);
              UPDATE ev.t SET v = 'two' WHERE id = ${round};
              UPDATE ev.t SET part = 'z' WHERE id = ${round + 10};
              DELETE FROM ev.t WHERE id = ${round}`);
          }
        },
      });
      // zongji has two row readers: insert/delete events share one, updates have the other.
      assert.ok(rows.slice(0, 3).every((event) => !(event instanceof PackedRowChange)), 'the first insert and update events are read by zongji');
      assert.ok(rows.slice(5).every((event) => event instanceof PackedRowChange), 'the later ones stay packed');
      const plain = (event: ChangeEvent): unknown => JSON.parse(JSON.stringify(event)) as unknown;
      for (const [round, events] of [[1, rows.slice(0, 5)], [2, rows.slice(5)]] as const) {
        const [insertA, insertB, update, rekey, remove] = events as [ChangeEvent, ChangeEvent, ChangeEvent, ChangeEvent, ChangeEvent];
        const id = String(round);
        const other = String(round + 10);
        assert.deepEqual([insertA.kind, insertB.kind, update.kind, rekey.kind, remove.kind], ['insert', 'insert', 'update', 'update', 'delete'], `round ${round}`);
        assert.deepEqual(insertA.after, { id, part: 'a', v: 'one', b: Buffer.from([0, 0xff]) });
        assert.deepEqual(insertA.key, [id, 'a']);
        assert.equal(insertA.before, undefined);
        assert.deepEqual(insertB.after, { id: other, part: 'b', v: null, b: null });
        assert.deepEqual(update.before, { id, part: 'a', v: 'one', b: Buffer.from([0, 0xff]) });
        assert.deepEqual(update.after, { id, part: 'a', v: 'two', b: Buffer.from([0, 0xff]) });
        assert.deepEqual(update.key, [id, 'a']);
        assert.equal(update.newKey, undefined, 'an update that keeps the key has no newKey');
        assert.deepEqual(rekey.key, [other, 'b']);
        assert.deepEqual(rekey.newKey, [other, 'z']);
        assert.deepEqual(remove.before, { id, part: 'a', v: 'two', b: Buffer.from([0, 0xff]) });
        assert.deepEqual(remove.key, [id, 'a']);
        assert.equal(remove.after, undefined);
        const json = plain(rekey) as Record<string, unknown>;
        assert.deepEqual(json.before, { id: other, part: 'b', v: null, b: null });
        assert.deepEqual(json.newKey, [other, 'z']);
      }
      // Apart from their place in the binlog, the second round's events equal the first's.
      const strip = (event: ChangeEvent): unknown => {
        const { position: _position, resumeFrom: _resumeFrom, commitTime: _commitTime, bytes: _bytes, ...rest } = plain(event) as ChangeEvent;
        return JSON.stringify(rest).replaceAll('"1"', '"N"').replaceAll('"2"', '"N"').replaceAll('"11"', '"M"').replaceAll('"12"', '"M"');
      };
      assert.deepEqual(rows.slice(5).map(strip), rows.slice(0, 5).map(strip));
    } finally {
      await pool.end();
    }
  });

  it('reconnects after its connection is killed, even when choosing the client id again never answers', async () => {
    const pool = mysql.createPool({ uri: server.url('ev'), connectionLimit: 2 });
    let asked = 0;
    try {
      const { from, source } = await binlogSourceAtHead(server, pool, 'ev', {
        serverId: 4243, reconnectMs: { first: 100, max: 100 },
        chooseServerId: () => {
          asked++;
          return new Promise<number>(() => undefined); // a source whose host stopped answering
        },
      });
      const seen: string[] = [];
      let waiting: { id: string; resolve: () => void } | undefined;
      const subscription = source.changes(from).subscribe({
        next: (event) => {
          if (event.kind !== 'insert') return;
          const id = String(event.after?.id);
          seen.push(id);
          if (waiting?.id === id) waiting.resolve();
        },
      });
      const arrives = (id: string, ms: number): Promise<void> => new Promise<void>((resolve, reject) => {
        if (seen.includes(id)) return resolve();
        const timer = setTimeout(() => reject(new Error(`row ${id} did not arrive within ${ms} ms (seen: ${seen.join(',')})`)), ms);
        waiting = { id, resolve: () => { clearTimeout(timer); resolve(); } };
      });
      try {
        await server.sql("INSERT INTO ev.t VALUES (100, 'k', 'before', NULL)");
        await arrives('100', 10_000);
        for (const id of ['101', '102']) {
          const [dumps] = await pool.query<mysql.RowDataPacket[]>("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'");
          assert.ok(dumps.length > 0, 'the binlog dump thread is listed');
          for (const { ID } of dumps) await pool.query(`KILL ${Number(ID)}`);
          await server.sql(`INSERT INTO ev.t VALUES (${id}, 'k', 'after', NULL)`);
          await arrives(id, 8_000);
        }
        assert.deepEqual(seen.filter((id) => ['100', '101', '102'].includes(id)), ['100', '101', '102'], 'nothing twice, nothing lost');
        assert.equal(asked, 1, 'the unanswered question is not asked again (each would hold a pooled connection)');
      } finally {
        subscription.unsubscribe();
      }
    } finally {
      await pool.end();
    }
  });
});
