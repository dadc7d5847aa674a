import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyBinlogEvent } from '@vlasky/zongji';
import pino from 'pino';
import type { ChangeEvent } from '../../src/core/change-event.js';
import { positionKey, type Boundary } from '../../src/core/position.js';
import { BinlogTransaction } from '../../src/source/binlog-transaction.js';
import type { SourceSchemaCache } from '../../src/source/source-schema-cache.js';
import { event, gtid, insert, query } from '../env/zongji-events.js';

/*
 * MySQL's form of XA in the binlog, which the MariaDB integration test cannot produce: XA START as a
 * statement, XA_PREPARE_LOG_EVENT ending the group (one_phase set for XA COMMIT ... ONE PHASE), and
 * XA COMMIT / XA ROLLBACK as statements in a group of their own. Events are shaped as zongji's.
 */

const FILE = 'binlog.000001';
const XID = { xidFormatId: 1, xidGtrid: Buffer.from('one'), xidBqual: Buffer.alloc(0) };

function reader(maxHeldXaBytes?: number): { feed: (events: AnyBinlogEvent[]) => void; changes: ChangeEvent[]; boundaries: Boundary[] } {
  const changes: ChangeEvent[] = [];
  const boundaries: Boundary[] = [];
  const options = { database: 'db', selects: () => true, schemas: { get: () => undefined } as unknown as SourceSchemaCache, logger: pino({ level: 'silent' }), ...(maxHeldXaBytes === undefined ? {} : { maxHeldXaBytes }) };
  const transaction = new BinlogTransaction(options, { file: FILE, offset: 4 }, (change) => changes.push(change), (boundary) => boundaries.push(boundary));
  return { feed: (events) => events.forEach((e) => transaction.handle(e, FILE)), changes, boundaries };
}

const prepareGroup = (onePhase: boolean): AnyBinlogEvent[] => [
  gtid(100, 1), query(150, "XA START X'6f6e65',X'',1"), insert(200, 1), query(250, "XA END X'6f6e65',X'',1"), event('xaprepare', 300, { ...XID, onePhase }),
];

describe('BinlogTransaction: XA as MySQL logs it', () => {
  it('holds a prepared transaction\'s rows and the restart point until XA COMMIT, then emits them as that group\'s changes', () => {
    const { feed, changes, boundaries } = reader();
    feed(prepareGroup(false));
    feed([gtid(350, 2), query(400, 'BEGIN'), insert(450, 2), event('xid', 500)]);
    assert.deepEqual(changes.filter((c) => c.kind === 'insert').map((c) => c.after?.id), ['2'], 'only the committed transaction\'s row');
    assert.ok(boundaries.every((b) => b.offset === 4), `restart points stay at the prepared group's start: ${JSON.stringify(boundaries)}`);
    assert.ok(changes.every((c) => c.resumeFrom.offset === 4 && (c.endsAt === undefined || c.resumeAfter?.offset === 4)));

    feed([gtid(550, 3), query(600, "XA COMMIT X'6f6e65',X'',1")]);
    const inserted = changes.filter((c) => c.kind === 'insert');
    assert.deepEqual(inserted.map((c) => c.after?.id), ['2', '1']);
    assert.equal(inserted[1]?.position.offset, 500, 'the held row is a change of the XA COMMIT group (which starts where the previous ended)');
    assert.equal(inserted[1]?.position.gtid, 'uuid:3');
    assert.deepEqual(inserted[1]?.resumeFrom, { file: FILE, offset: 4, gtid: 'uuid:1' }, 'until applied, the held row restarts from its prepare (the XA COMMIT alone would not bring it back)');
    const commit = changes.at(-1);
    assert.deepEqual([commit?.kind, commit?.endsAt, commit?.resumeAfter], ['commit', { file: FILE, offset: 600 }, undefined]);
    assert.deepEqual(boundaries.at(-1), { file: FILE, offset: 600 }, 'decided: the restart point moves on');
    const keys = changes.map((c) => positionKey(c.position));
    assert.deepEqual(keys, [...keys].sort(), 'changes still come in position order');
  });

  it('drops a prepared transaction that XA ROLLBACK decides', () => {
    const { feed, changes, boundaries } = reader();
    feed([...prepareGroup(false), gtid(350, 2), query(400, "XA ROLLBACK X'6f6e65',X'',1")]);
    assert.deepEqual(changes.filter((c) => c.kind !== 'commit'), []);
    const last = changes.at(-1);
    assert.deepEqual([last?.endsAt, last?.resumeAfter], [{ file: FILE, offset: 400 }, undefined], 'a change-less commit tells the pipeline the restart point moved on');
    assert.deepEqual(boundaries.at(-1), { file: FILE, offset: 400 });
  });

  it('applies XA COMMIT ... ONE PHASE (one_phase in the XA_PREPARE event) at once, with a commit', () => {
    const { feed, changes, boundaries } = reader();
    feed(prepareGroup(true));
    assert.deepEqual(changes.map((c) => c.kind), ['insert', 'commit']);
    assert.deepEqual(changes[1]?.endsAt, { file: FILE, offset: 300 });
    assert.deepEqual(boundaries.at(-1), { file: FILE, offset: 300 });
  });

  it('decides the rows of its own group when XA COMMIT ... ONE PHASE comes as a statement', () => {
    const { feed, changes } = reader();
    feed([gtid(100, 1), query(150, "XA START X'6f6e65',X'',1"), insert(200, 1), query(250, "XA END X'6f6e65',X'',1"), query(300, "XA COMMIT X'6f6e65',X'',1 ONE PHASE")]);
    assert.deepEqual(changes.map((c) => c.kind), ['insert', 'commit']);
  });

  it('with two XA transactions prepared, the older one\'s start holds the restart point until both are decided', () => {
    const { feed, changes, boundaries } = reader();
    const b = { xidFormatId: 1, xidGtrid: Buffer.from('two'), xidBqual: Buffer.alloc(0) };
    feed(prepareGroup(false));
    feed([gtid(350, 2), query(400, "XA START X'74776f',X'',1"), insert(450, 2), query(480, "XA END X'74776f',X'',1"), event('xaprepare', 500, { ...b, onePhase: false })]);
    feed([gtid(550, 3), query(600, "XA COMMIT 'one'")]); // a quoted xid names the same transaction
    const one = changes.filter((c) => c.kind === 'insert');
    assert.deepEqual(one.map((c) => [c.after?.id, c.resumeFrom.offset]), [['1', 4]]);
    assert.equal(changes.at(-1)?.resumeAfter?.offset, 300, 'the commit restarts at the still-prepared second one');
    assert.equal(boundaries.at(-1)?.offset, 300);
    feed([gtid(650, 4), query(700, "XA COMMIT X'74776F',X'',1")]);
    assert.deepEqual(changes.filter((c) => c.kind === 'insert').map((c) => c.after?.id), ['1', '2']);
    assert.deepEqual(boundaries.at(-1), { file: FILE, offset: 700 });
  });

  it('an XA transaction that changed no replicated table does not hold the restart point', () => {
    const { feed, boundaries } = reader();
    const elsewhere = event('writerows', 200, { tableId: 8, tableMap: { 8: { parentSchema: 'other', tableName: 't' } }, flags: 0, rows: [{ id: '1' }] });
    feed([gtid(100, 1), query(150, "XA START X'6f6e65',X'',1"), elsewhere, query(250, "XA END X'6f6e65',X'',1"), event('xaprepare', 300, { ...XID, onePhase: false })]);
    assert.deepEqual(boundaries.at(-1), { file: FILE, offset: 300 });
  });

  it('stops with TRANSACTION_TOO_LARGE when undecided XA transactions hold more than the limit (they wait in memory)', () => {
    const { feed } = reader(500); // a row change counts about 200 bytes
    const b = { xidFormatId: 1, xidGtrid: Buffer.from('two'), xidBqual: Buffer.alloc(0) };
    feed(prepareGroup(false));
    feed([gtid(350, 2), query(400, "XA START X'74776f',X'',1"), insert(450, 2)]);
    assert.throws(() => feed([insert(460, 3)]), (error: Error & { code?: string }) => error.code === 'TRANSACTION_TOO_LARGE' && /XA transaction starting at binlog.000001:300/.test(error.message));
    const { feed: roomy } = reader(500);
    roomy([...prepareGroup(false), gtid(350, 2), query(400, "XA ROLLBACK X'6f6e65',X'',1")]);
    roomy([gtid(450, 3), query(460, "XA START X'74776f',X'',1"), insert(470, 2), insert(480, 3), query(490, "XA END X'74776f',X'',1"), event('xaprepare', 500, { ...b, onePhase: false })]);
  });

  it('warns once when a prepared XA transaction holding rows stays undecided for 10 minutes of binlog time', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const options = { database: 'db', selects: () => true, schemas: { get: () => undefined } as unknown as SourceSchemaCache, logger };
    const transaction = new BinlogTransaction(options, { file: FILE, offset: 4 }, () => undefined, () => undefined);
    const feed = (events: AnyBinlogEvent[]): void => events.forEach((e) => transaction.handle(e, FILE));
    const later = (next: number, minutes: number): AnyBinlogEvent => event('gtid', next, { gtid: `uuid:${next}`, timestamp: 1_700_000_000_000 + minutes * 60_000 });
    feed(prepareGroup(false));
    feed([later(350, 9), query(400, 'BEGIN'), insert(450, 2), event('xid', 500)]);
    assert.equal(lines.length, 0);
    feed([later(550, 11), query(600, 'BEGIN'), insert(650, 3), event('xid', 700), later(750, 12)]);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /still undecided/);
  });

  it('a heartbeat outside a transaction moves the stream past events that end no transaction (a binlog checkpoint)', () => {
    const { feed, changes } = reader();
    feed([gtid(100, 1), query(150, 'BEGIN'), insert(200, 1), event('xid', 250)]);
    feed([event('heartbeat', 320, { binlogName: FILE })]);
    const last = changes.at(-1);
    assert.deepEqual([last?.kind, last?.endsAt, last?.position.index], ['commit', { file: FILE, offset: 320 }, 0]);
    feed([event('heartbeat', 320, { binlogName: FILE }), event('heartbeat', 900, { binlogName: 'binlog.000002' })]);
    assert.equal(changes.length, 3, 'no marker for a position already passed or in another file');
    feed([gtid(350, 2), query(360, 'BEGIN'), insert(400, 2), event('heartbeat', 420, { binlogName: FILE }), event('xid', 450)]);
    assert.deepEqual(changes.slice(3).map((c) => c.kind), ['insert', 'commit'], 'none inside a transaction');
  });
});
