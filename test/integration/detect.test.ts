import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { ScscError } from '../../src/core/scsc-error.js';
import { readBinlogSignature } from '../../src/detect/binlog-signature.js';
import { checkForChanges, type ChangeCheckRequest } from '../../src/detect/check-for-changes.js';
import { readContentSignature } from '../../src/detect/content-signature.js';
import { openConnection } from '../../src/mysql/open-connection.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { tempDir } from '../env/temp-dir.js';

const servers = mariaDbServersForTests({ logged: {}, unlogged: { binlog: false } });

const SCHEMA = `
CREATE DATABASE shop;
CREATE DATABASE elsewhere;
CREATE TABLE shop.orders (id INT PRIMARY KEY, note VARCHAR(20));
CREATE TABLE shop.\`we\`\`ird, name\` (id INT PRIMARY KEY, v INT);
CREATE TABLE shop.audit_log (id INT PRIMARY KEY, msg TEXT);
CREATE TABLE shop._scsc_checkpoint (id INT PRIMARY KEY);
CREATE TABLE elsewhere.t (id INT PRIMARY KEY);
INSERT INTO shop.orders VALUES (1, 'a'), (2, 'b');
INSERT INTO shop.\`we\`\`ird, name\` VALUES (1, 1);
INSERT INTO shop.audit_log VALUES (1, 'x');
`;

const statePath = (): string => join(tempDir('scsc-detect-'), 'state.json');

describe('change signatures on a real server', { skip: servers.skip }, () => {
  let logged: Connection;
  let unlogged: Connection;
  const request = (name: 'logged' | 'unlogged', extra: Partial<ChangeCheckRequest>): ChangeCheckRequest => ({
    detector: 'auto', statePath: statePath(), include: [], exclude: [],
    source: parseDatabaseUrl(servers[name].url('shop'), '--source'),
    target: parseDatabaseUrl(servers[name].url('shop_copy'), '--target'),
    ...extra,
  });

  before(async () => {
    await Promise.all([servers.logged.sql(SCHEMA), servers.unlogged.sql(SCHEMA)]);
    logged = await openConnection(parseDatabaseUrl(servers.logged.url('shop'), '--source'), 'source');
    unlogged = await openConnection(parseDatabaseUrl(servers.unlogged.url('shop'), '--source'), 'source');
  });
  after(async () => {
    await Promise.all([logged?.end(), unlogged?.end()]);
  });

  describe('binlog', () => {
    it('reads the GTID position and binlog file:offset, stable without writes', async () => {
      const first = await readBinlogSignature(logged, 'shop');
      assert.ok(first.ok, first.ok ? '' : first.reason);
      assert.match(first.signature.position, /^server \d+ gtid \d+-\d+-\d+ \S+\.\d{6}:\d+$/);
      await logged.query('SELECT COUNT(*) FROM shop.orders');
      assert.deepEqual(await readBinlogSignature(logged, 'shop'), first);
    });

    it('moves after a write, also to another database', async () => {
      const before = await readBinlogSignature(logged, 'shop');
      await servers.logged.sql("UPDATE shop.orders SET note = 'c' WHERE id = 1");
      const afterShop = await readBinlogSignature(logged, 'shop');
      assert.notDeepEqual(afterShop, before);
      await servers.logged.sql('INSERT INTO elsewhere.t VALUES (1)');
      assert.notDeepEqual(await readBinlogSignature(logged, 'shop'), afterShop, 'extra syncs, never missed ones');
    });

    it('is unusable, with the reason, when log_bin is off', async () => {
      assert.deepEqual(await readBinlogSignature(unlogged, 'shop'), { ok: false, reason: 'log_bin is OFF on the source' });
    });
  });

  describe('content', () => {
    it('covers the selected tables only, keyed by table', async () => {
      const signature = await readContentSignature(logged, 'shop', [], ['audit*']);
      assert.deepEqual(Object.keys(signature.tables).sort(), ['orders', 'we`ird, name']);
      assert.match(signature.tables.orders ?? '', /^\d+\/[0-9a-f]{16}$/);
    });

    it('changes after a write to a selected table, not after a write to an excluded one', async () => {
      const before = await readContentSignature(unlogged, 'shop', [], ['audit_log']);
      await servers.unlogged.sql("INSERT INTO shop.audit_log VALUES (2, 'y'); INSERT INTO shop._scsc_checkpoint VALUES (1)");
      assert.deepEqual(await readContentSignature(unlogged, 'shop', [], ['audit_log']), before);

      await servers.unlogged.sql('UPDATE shop.`we``ird, name` SET v = 2 WHERE id = 1');
      const after = await readContentSignature(unlogged, 'shop', [], ['audit_log']);
      assert.notEqual(after.tables['we`ird, name'], before.tables['we`ird, name']);
      assert.equal(after.tables.orders, before.tables.orders);
    });

    it('changes when a table gains a column, even one holding only NULLs', async () => {
      const before = await readContentSignature(unlogged, 'shop', ['orders'], []);
      await servers.unlogged.sql('ALTER TABLE shop.orders ADD COLUMN extra INT NULL');
      const after = await readContentSignature(unlogged, 'shop', ['orders'], []);
      assert.notEqual(after.tables.orders, before.tables.orders);
    });
  });

  describe('checkForChanges', () => {
    it('reports a change until a signature is committed, then none until the next write', async () => {
      const req = request('logged', { detector: 'binlog' });
      const first = await checkForChanges(req);
      assert.equal(first.detector, 'binlog');
      assert.equal(first.changed, true);
      assert.match(first.reason, /no signature stored yet/);
      await first.commit();

      const second = await checkForChanges(req);
      assert.equal(second.changed, false);
      assert.match(second.reason, /binlog signature unchanged since the sync of \d{4}-/);

      await servers.logged.sql("INSERT INTO shop.orders VALUES (3, 'c')");
      const third = await checkForChanges(req);
      assert.equal(third.changed, true);
      assert.match(third.reason, /^binlog position moved from /);

      const otherSelection = await checkForChanges({ ...req, include: ['orders'] });
      assert.equal(otherSelection.changed, true, 'another table selection has its own entry');
    });

    it('auto uses the binlog where it is readable', async () => {
      const check = await checkForChanges(request('logged', {}));
      assert.equal(check.detector, 'binlog');
    });

    it('auto falls back to content on a server without binlog, and says so', async () => {
      const req = request('unlogged', { exclude: ['audit_log'] });
      const first = await checkForChanges(req);
      assert.equal(first.detector, 'content');
      assert.match(first.reason, /binlog not usable: log_bin is OFF/);
      await first.commit();
      await servers.unlogged.sql("INSERT INTO shop.audit_log VALUES (3, 'z')");
      assert.equal((await checkForChanges(req)).changed, false);
      await servers.unlogged.sql("INSERT INTO shop.orders (id, note) VALUES (9, 'n')");
      const changed = await checkForChanges(req);
      assert.equal(changed.changed, true);
      assert.match(changed.reason, /^content of 1 table changed: orders/);
    });

    it('--detector binlog on a server without binlog is a clear configuration error', async () => {
      await assert.rejects(checkForChanges(request('unlogged', { detector: 'binlog' })), (error: unknown) => {
        assert.ok(error instanceof ScscError);
        assert.equal(error.code, 'DETECTOR_UNAVAILABLE');
        assert.match(error.message, /--detector binlog: .*log_bin is OFF/);
        assert.match(error.fix, /--detector content or auto/);
        return true;
      });
    });

    it('names the source when it cannot be reached', async () => {
      const req = request('logged', { source: parseDatabaseUrl('mysql://root:pw-unreach@127.0.0.1:1/shop', '--source') });
      await assert.rejects(checkForChanges(req), (error: unknown) => {
        assert.ok(error instanceof ScscError);
        assert.equal(error.code, 'CONNECTION_REFUSED');
        assert.match(error.message, /source root@127\.0\.0\.1:1\/shop/);
        assert.doesNotMatch(error.message, /pw-unreach/);
        return true;
      });
    });
  });
});
