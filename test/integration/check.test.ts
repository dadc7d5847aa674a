import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { findFreePort } from '../../src/sandbox/free-port.js';
import { sampleSchemaSql } from '../../src/sandbox/sample-schema.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli } from '../env/run-cli.js';

const servers = mariaDbServersForTests({
  source: {},
  target: {},
  nobinlog: { binlog: false },
});

interface Report {
  intent: string;
  ok: boolean;
  servers: Array<{ role: string; reachable: boolean; flavour?: string; serverId?: number; tables?: number }>;
  findings: Array<{ check: string; severity: string; server: string; table?: string; message: string; fix?: string }>;
}

async function check(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await runCli(['check', '--json', '--log-level', 'warn', ...args]);
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

function blockers(report: Report): string[] {
  return report.findings.filter((f) => f.severity === 'blocker').map((f) => `${f.check}${f.table === undefined ? '' : `:${f.table}`}`).sort();
}

describe('scsc check against throwaway servers', { skip: servers.skip }, () => {
  before(async () => {
    await servers.source.sql(sampleSchemaSql('shop'));
    await servers.target.sql(sampleSchemaSql('shop'));
    await servers.nobinlog.sql(sampleSchemaSql('shop'));
  });

  it('passes a well-configured pair for replicate, in human form, with exit 0', async () => {
    const result = await runCli(['check', '--source', servers.source.url('shop'), '--target', servers.target.url('shop')]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /ready for replicate: no blockers/);
    assert.match(result.stdout, /source\s+root@127\.0\.0\.1:\d+\/shop\s+MariaDB 10\.\d+\.\d+, server_id \d+, 4 tables/);
    assert.doesNotMatch(result.stdout, /BLOCKER/);
  });

  it('reports the binlog off as a blocker for replicate but only a warning for sync', async () => {
    const forReplicate = await check(['--source', servers.nobinlog.url('shop'), '--target', servers.target.url('shop')]);
    assert.equal(forReplicate.code, 1);
    assert.deepEqual(blockers(forReplicate.report), ['binlog.off']);
    const off = forReplicate.report.findings.find((f) => f.check === 'binlog.off');
    assert.match(off?.fix ?? '', /log_bin/);

    const forSync = await check(['--for', 'sync', '--source', servers.nobinlog.url('shop'), '--target', servers.target.url('shop')]);
    assert.equal(forSync.code, 0);
    assert.equal(forSync.report.ok, true);
    assert.equal(forSync.report.findings.find((f) => f.check === 'binlog.off')?.severity, 'warning');
  });

  it('finds binlog_format and binlog_row_image (blockers) and binlog_row_metadata below FULL (a warning)', async () => {
    await servers.source.sql(`CREATE DATABASE geo; CREATE TABLE geo.places (id INT PRIMARY KEY, spot POINT NOT NULL, label VARCHAR(50) CHARACTER SET latin1);
      CREATE TABLE geo.plain (id INT PRIMARY KEY, label VARCHAR(50));`);
    await servers.source.sql("SET GLOBAL binlog_format = 'STATEMENT'; SET GLOBAL binlog_row_image = 'MINIMAL'; SET GLOBAL binlog_row_metadata = 'MINIMAL'");
    try {
      const { code, report } = await check(['--source', servers.source.url('geo')]);
      assert.equal(code, 1);
      assert.deepEqual(blockers(report), ['binlog.format', 'binlog.row-image']);
      const metadata = report.findings.find((f) => f.check === 'binlog.row-metadata');
      assert.equal(metadata?.severity, 'warning');
      assert.match(metadata?.fix ?? '', /binlog_row_metadata = 'FULL'/);
    } finally {
      // FULL with a GEOMETRY column before strings: scsc corrects zongji's charset shift, so no finding.
      await servers.source.sql("SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_image = 'FULL'; SET GLOBAL binlog_row_metadata = 'FULL'");
    }
    const fixed = await check(['--source', servers.source.url('geo')]);
    assert.equal(fixed.code, 0, JSON.stringify(fixed.report.findings));
    assert.deepEqual(fixed.report.findings.filter((f) => f.check.startsWith('binlog.')), []);
    await servers.source.sql("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
  });

  it('names missing privileges on both ends with the GRANT that fixes them', async () => {
    await servers.source.sql("CREATE USER 'limited'@'%' IDENTIFIED BY 'pw-limited-1'; GRANT SELECT ON shop.* TO 'limited'@'%'");
    await servers.target.sql("CREATE USER 'reader'@'%' IDENTIFIED BY 'pw-reader-1'; GRANT SELECT ON shop.* TO 'reader'@'%'");
    const source = servers.source.url('shop', 'limited', 'pw-limited-1');
    const target = servers.target.url('shop', 'reader', 'pw-reader-1');

    const { code, report, stderr } = await check(['--source', source, '--target', target]);
    assert.equal(code, 1);
    const missing = report.findings.filter((f) => f.check === 'privilege.missing');
    const onSource = missing.find((f) => f.server === 'source');
    const onTarget = missing.find((f) => f.server === 'target');
    assert.equal(onSource?.severity, 'blocker');
    assert.match(onSource?.message ?? '', /REPLICATION SLAVE, REPLICATION CLIENT on \*\.\*/);
    assert.equal(onSource?.fix, "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'limited'@'%'");
    assert.equal(onTarget?.severity, 'blocker');
    assert.match(onTarget?.fix ?? '', /^GRANT INSERT, UPDATE, DELETE(, CREATE)? ON `shop`\.\* TO 'reader'@'%'$/);
    assert.doesNotMatch(JSON.stringify(report) + stderr, /pw-limited-1|pw-reader-1/);

    const forReconcile = await check(['--for', 'reconcile', '--source', source, '--target', target]);
    assert.equal(forReconcile.code, 0, JSON.stringify(forReconcile.report.findings));
  });

  it('refuses tables without a usable key and columns it cannot carry', async () => {
    await servers.source.sql(`CREATE DATABASE keys_db;
      CREATE TABLE keys_db.no_key (a INT, b TEXT);
      CREATE TABLE keys_db.nullable_unique (a INT NULL, UNIQUE KEY (a));
      CREATE TABLE keys_db.not_null_unique (a INT NOT NULL, b INT, UNIQUE KEY (a));
      CREATE TABLE keys_db.addresses (id INT PRIMARY KEY, v4 INET4, v6 INET6, u UUID);`);
    const { code, report } = await check(['--for', 'sync', '--source', servers.source.url('keys_db')]);
    assert.equal(code, 1);
    assert.deepEqual(blockers(report), ['table.no-key:no_key', 'table.no-key:nullable_unique', 'table.unsupported-type:addresses']);
    const unsupported = report.findings.find((f) => f.check === 'table.unsupported-type');
    assert.match(unsupported?.message ?? '', /v4 inet4/);
    assert.doesNotMatch(unsupported?.message ?? '', /inet6|uuid/);
  });

  it('detects a server_id shared by source and target', async () => {
    await servers.target.sql(`SET GLOBAL server_id = ${servers.source.serverId}`);
    try {
      const { code, report } = await check(['--source', servers.source.url('shop'), '--target', servers.target.url('shop')]);
      assert.equal(code, 1);
      assert.deepEqual(blockers(report), ['server-id.conflict']);
    } finally {
      await servers.target.sql(`SET GLOBAL server_id = ${servers.target.serverId}`);
    }
  });

  it('warns of XA transactions prepared and undecided on the source (a snapshot cannot see their rows)', async () => {
    const session = await mysql.createConnection({ host: servers.source.host, port: servers.source.port, user: 'root', database: 'shop' });
    try {
      await session.query("XA START 'pending'");
      await session.query("INSERT INTO customers (email, name) VALUES ('xa@example.com', 'XA')");
      await session.query("XA END 'pending'");
      await session.query("XA PREPARE 'pending'");
      const { code, report } = await check(['--source', servers.source.url('shop'), '--target', servers.target.url('shop')]);
      assert.equal(code, 0);
      const finding = report.findings.find((f) => f.check === 'xa.prepared');
      assert.equal(finding?.severity, 'warning');
      assert.match(finding?.message ?? '', /^1 XA transaction/);
    } finally {
      await session.query("XA ROLLBACK 'pending'").catch(() => undefined);
      await session.end();
    }
    const { report } = await check(['--source', servers.source.url('shop'), '--target', servers.target.url('shop')]);
    assert.equal(report.findings.some((f) => f.check === 'xa.prepared'), false);
  });

  it('reports column differences between common tables and tables on one side only', async () => {
    await servers.source.sql(`CREATE DATABASE diff_db;
      CREATE TABLE diff_db.t1 (id INT PRIMARY KEY, note VARCHAR(20), qty INT);
      CREATE TABLE diff_db.t2 (id INT PRIMARY KEY);
      CREATE TABLE diff_db.only_source (id INT PRIMARY KEY);`);
    await servers.target.sql(`CREATE DATABASE diff_db;
      CREATE TABLE diff_db.t1 (id INT PRIMARY KEY, qty BIGINT);
      CREATE TABLE diff_db.t2 (id INT PRIMARY KEY, required_here INT NOT NULL, optional_here INT NULL);`);
    const { code, report } = await check(['--for', 'sync', '--source', servers.source.url('diff_db'), '--target', servers.target.url('diff_db')]);
    assert.equal(code, 1);
    assert.deepEqual(blockers(report), ['schema.column-extra:t2', 'schema.column-missing:t1']);
    const typeDiff = report.findings.find((f) => f.check === 'schema.type');
    assert.equal(typeDiff?.severity, 'warning');
    assert.match(typeDiff?.message ?? '', /qty.*int.*bigint/);
    assert.ok(report.findings.some((f) => f.check === 'schema.table-missing' && f.table === 'only_source' && f.severity === 'info'));
  });

  it('blocks writing into a read_only target for a user without SUPER', async () => {
    await servers.target.sql("CREATE USER 'writer'@'%' IDENTIFIED BY 'pw-writer-1'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shop.* TO 'writer'@'%'; SET GLOBAL read_only = ON");
    try {
      const { code, report } = await check(['--for', 'sync', '--source', servers.source.url('shop'), '--target', servers.target.url('shop', 'writer', 'pw-writer-1')]);
      assert.equal(code, 1);
      assert.deepEqual(blockers(report), ['server.read-only']);
    } finally {
      await servers.target.sql('SET GLOBAL read_only = OFF');
    }
  });

  it('checks only the URLs the intended command uses, and requires the ones it needs', async () => {
    const missing = await runCli(['check', '--for', 'apply', '--source', servers.source.url('shop')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /URL_MISSING: .*--for apply needs --target/);

    const apply = await check(['--for', 'apply', '--target', servers.target.url('shop')]);
    assert.equal(apply.code, 0);
    assert.deepEqual(apply.report.servers.map((s) => s.role), ['target']);

    const publish = await check(['--for', 'publish', '--source', servers.source.url('shop'), '--target', servers.target.url('shop')]);
    assert.deepEqual(publish.report.servers.map((s) => s.role), ['source']);

    const twoWay = await check(['--for', 'bidirectional', '--a', servers.source.url('shop'), '--b', servers.nobinlog.url('shop')]);
    assert.equal(twoWay.code, 1);
    assert.deepEqual(twoWay.report.servers.map((s) => s.role), ['source', 'target']);
    assert.deepEqual(blockers(twoWay.report), ['binlog.off']);
    assert.equal(twoWay.report.findings.find((f) => f.check === 'binlog.off')?.server, 'target');
  });

  it('blocks a URL without a database, where no table or privilege check can run', async () => {
    const { code, report } = await check(['--for', 'sync', '--source', servers.source.url(), '--target', servers.target.url('shop')]);
    assert.equal(code, 1);
    assert.deepEqual(blockers(report), ['url.no-database']);
  });

  it('knows that on MariaDB 10.11 only READ_ONLY ADMIN, not SUPER, writes into a read_only server', async () => {
    await servers.target.sql(`CREATE USER 'superuser'@'%' IDENTIFIED BY 'pw-super-1'; GRANT SUPER ON *.* TO 'superuser'@'%'; GRANT ALL ON shop.* TO 'superuser'@'%';
      CREATE USER 'roadmin'@'%' IDENTIFIED BY 'pw-roadmin-1'; GRANT READ_ONLY ADMIN ON *.* TO 'roadmin'@'%'; GRANT ALL ON shop.* TO 'roadmin'@'%';
      SET GLOBAL read_only = ON`);
    try {
      const withSuper = await check(['--for', 'sync', '--source', servers.source.url('shop'), '--target', servers.target.url('shop', 'superuser', 'pw-super-1')]);
      assert.deepEqual(blockers(withSuper.report), ['server.read-only']);
      const withAdmin = await check(['--for', 'sync', '--source', servers.source.url('shop'), '--target', servers.target.url('shop', 'roadmin', 'pw-roadmin-1')]);
      assert.deepEqual(blockers(withAdmin.report), []);
    } finally {
      await servers.target.sql('SET GLOBAL read_only = OFF');
    }
  });

  it('reports collation differences, blocking when the key column differs', async () => {
    await servers.source.sql(`CREATE DATABASE coll; CREATE TABLE coll.k (code VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, note VARCHAR(20) COLLATE utf8mb4_bin)`);
    await servers.target.sql(`CREATE DATABASE coll; CREATE TABLE coll.k (code VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY, note VARCHAR(20) COLLATE utf8mb4_general_ci)`);
    const { code, report } = await check(['--for', 'sync', '--source', servers.source.url('coll'), '--target', servers.target.url('coll')]);
    assert.equal(code, 1);
    const collations = report.findings.filter((f) => f.check === 'schema.collation').map((f) => `${f.severity}:${/column (\w+)/.exec(f.message)?.[1]}`).sort();
    assert.deepEqual(collations, ['blocker:code', 'warning:note']);
  });

  it('reports an unreachable server and a wrong password as blockers without printing the password', async () => {
    const port = await findFreePort();
    const unreachable = await check(['--source', `mysql://root:hunter22@127.0.0.1:${port}/shop`]);
    assert.equal(unreachable.code, 1);
    assert.deepEqual(blockers(unreachable.report), ['connect.connection_refused']);
    assert.equal(unreachable.report.servers[0]?.reachable, false);

    const wrong = await check(['--source', servers.source.url('shop', 'root', 'not-the-password'), '--target', servers.target.url('shop')]);
    assert.equal(wrong.code, 1);
    assert.deepEqual(blockers(wrong.report), ['connect.auth_failed']);
    const text = JSON.stringify(unreachable.report) + unreachable.stderr + JSON.stringify(wrong.report) + wrong.stderr;
    assert.doesNotMatch(text, /hunter22|not-the-password/);
  });
});

