import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyBinlogEvent } from '@vlasky/zongji';
import pino from 'pino';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { positionAfter, type Boundary } from '../../src/core/position.js';
import { BinlogTransaction } from '../../src/source/binlog-transaction.js';
import type { SourceSchemaCache } from '../../src/source/source-schema-cache.js';
import { event, gtid, insert, query } from '../env/zongji-events.js';

/*
 * DDL as MySQL logs it, which the MariaDB integration tests cannot produce: a GTID event without
 * MariaDB's standalone flag, then the statement, and no COMMIT or XID after it. Events are shaped as
 * zongji's.
 */

const FILE = 'binlog.000001';

function reader(): { feed: (events: AnyBinlogEvent[]) => void; changes: ChangeEvent[]; boundaries: Boundary[]; ddl: Array<[string[], Boundary]> } {
  const changes: ChangeEvent[] = [];
  const boundaries: Boundary[] = [];
  const ddl: Array<[string[], Boundary]> = [];
  const options = { database: 'db', selects: () => true, schemas: { get: () => undefined } as unknown as SourceSchemaCache, logger: pino({ level: 'silent' }) };
  const transaction = new BinlogTransaction(options, { file: FILE, offset: 4 }, (change) => changes.push(change), (boundary) => boundaries.push(boundary), (tables, end) => ddl.push([tables, end]));
  return { feed: (events) => events.forEach((e) => transaction.handle(e, FILE)), changes, boundaries, ddl };
}

describe('BinlogTransaction: DDL as MySQL logs it', () => {
  it('ends the DDL\'s group at the statement: the next transaction starts after it, and its first change sorts after the DDL', () => {
    const { feed, changes, boundaries, ddl } = reader();
    feed([gtid(100, 1), query(200, 'ALTER TABLE t ADD COLUMN c INT'), gtid(250, 2), query(300, 'BEGIN'), insert(350, 1), event('xid', 400)]);
    assert.deepEqual(ddl, [[['t'], { file: FILE, offset: 200 }]]);
    assert.deepEqual(changes.map((c) => c.kind), ['ddl', 'commit', 'insert', 'commit']);
    const [alter, ddlCommit, row] = changes;
    assert.deepEqual(ddlCommit?.endsAt, { file: FILE, offset: 200 });
    assert.deepEqual(boundaries, [{ file: FILE, offset: 200 }, { file: FILE, offset: 400 }]);
    assert.equal(row?.position.offset, 200, 'the row\'s transaction starts where the DDL ended');
    assert.deepEqual(row?.resumeFrom, { file: FILE, offset: 200, gtid: 'uuid:2' });
    // BinlogSource drops a change that does not sort after the last one it emitted (a reconnect's replay).
    assert.ok(alter !== undefined && row !== undefined && positionAfter(row.position, alter.position));
  });

  it('keeps a transaction opened by BEGIN open across its statements', () => {
    const { feed, changes } = reader();
    feed([gtid(100, 1), query(150, 'BEGIN'), insert(200, 1), query(250, 'TRUNCATE TABLE t'), insert(300, 2), event('xid', 350)]);
    assert.deepEqual(changes.map((c) => c.kind), ['insert', 'truncate', 'insert', 'commit']);
  });

  it('leaves CREATE TABLE ... START TRANSACTION (MySQL 8\'s atomic CREATE ... SELECT) open until its XID', () => {
    const { feed, changes } = reader();
    feed([gtid(100, 1), query(200, 'CREATE TABLE t (id INT PRIMARY KEY) START TRANSACTION'), insert(250, 1), event('xid', 300)]);
    assert.deepEqual(changes.map((c) => c.kind), ['ddl', 'insert', 'commit']);
    assert.deepEqual(changes.at(-1)?.endsAt, { file: FILE, offset: 300 });
  });
});
