import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { streamName } from '../../src/checkpoint/stream-name.js';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { streamClientId } from '../../src/source/binlog-client-id.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/* A source drops the older of two binlog readers with one server id: scsc must not take a replica's. */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {}, replica: {} });

describe('scsc replicate beside a native replica of the source', { skip: servers.skip }, () => {
  it('reads the binlog with another id when a registered replica has the stream\'s usual one, and neither drops the other', { timeout: 90_000 }, async () => {
    const { source, target, replica } = servers;
    const usual = streamClientId(streamName(parseDatabaseUrl(source.url('cid'), 'source')));
    const [head] = (await source.sql('SELECT @@gtid_binlog_pos AS pos')) as Array<{ pos: string }>;
    await source.sql('CREATE DATABASE cid; CREATE TABLE cid.t (id INT PRIMARY KEY, v INT NOT NULL)');
    await replica.sql(`SET GLOBAL server_id = ${usual}; SET GLOBAL gtid_slave_pos = '${head?.pos ?? ''}';
      CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${source.port}, MASTER_USER = 'root', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 60;
      START SLAVE`);
    const registered = async (): Promise<boolean> => ((await source.sql('SHOW SLAVE HOSTS')) as Array<{ Server_id: number }>).some((r) => Number(r.Server_id) === usual);
    for (let i = 0; !(await registered()); i++) {
      assert.ok(i < 100, 'the replica did not register with the source');
      await delay(100);
    }
    await target.sql('CREATE DATABASE cid');

    const cli = startCli(['replicate', '--source', source.url('cid'), '--target', target.url('cid'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await waitForOutput(cli, "has this stream's usual binlog client id", 10_000);
      for (let i = 1; i <= 30; i++) {
        await source.sql(`INSERT INTO t VALUES (${i}, ${i})`, 'cid');
        await delay(100);
      }
      const [end] = (await source.sql('SELECT @@gtid_binlog_pos AS pos')) as Array<{ pos: string }>;
      const [waited] = (await replica.sql(`SELECT MASTER_GTID_WAIT('${end?.pos ?? ''}', 20) AS r`)) as Array<{ r: number }>;
      const [status] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, string>>;
      assert.equal(Number(waited?.r), 0, `the replica fell behind: ${status?.Last_IO_Error ?? ''} ${status?.Last_SQL_Error ?? ''}`);
      assert.equal(status?.Slave_IO_Running, 'Yes');
      assert.equal(Number(status?.Last_IO_Errno), 0, status?.Last_IO_Error);
      await waitForTablesEqual({ server: source, database: 'cid' }, { server: target, database: 'cid' }, ['t'], cli, 30_000);
      assert.doesNotMatch(cli.output(), /binlog connection lost/, 'scsc was dropped by the source');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await replica.sql('STOP SLAVE').catch(() => undefined);
    }
  });

  it('takes another id when a replica registers with its id while it streams (the source drops scsc\'s reader; the reconnect chooses again)', { timeout: 90_000 }, async () => {
    const { source, target, replica } = servers;
    await replica.sql('STOP SLAVE; RESET SLAVE ALL');
    const usual = streamClientId(streamName(parseDatabaseUrl(source.url('cid2'), 'source')));
    await source.sql('CREATE DATABASE cid2; CREATE TABLE cid2.t (id INT PRIMARY KEY, v INT NOT NULL)');
    await target.sql('CREATE DATABASE cid2');
    const cli = startCli(['replicate', '--source', source.url('cid2'), '--target', target.url('cid2'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      const [head] = (await source.sql('SELECT @@gtid_binlog_pos AS pos')) as Array<{ pos: string }>;
      await replica.sql(`SET GLOBAL server_id = ${usual}; SET GLOBAL gtid_slave_pos = '${head?.pos ?? ''}';
        CREATE DATABASE IF NOT EXISTS cid2; CREATE TABLE IF NOT EXISTS cid2.t (id INT PRIMARY KEY, v INT NOT NULL);
        CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${source.port}, MASTER_USER = 'root', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 60;
        START SLAVE`);
      await waitForOutput(cli, 'reconnecting with another binlog client id', 30_000);
      for (let i = 1; i <= 20; i++) await source.sql(`INSERT INTO t VALUES (${i}, ${i})`, 'cid2');
      const [end] = (await source.sql('SELECT @@gtid_binlog_pos AS pos')) as Array<{ pos: string }>;
      const [waited] = (await replica.sql(`SELECT MASTER_GTID_WAIT('${end?.pos ?? ''}', 20) AS r`)) as Array<{ r: number }>;
      const [status] = (await replica.sql('SHOW SLAVE STATUS')) as Array<Record<string, string>>;
      assert.equal(Number(waited?.r), 0, `the replica fell behind: ${status?.Last_IO_Error ?? ''} ${status?.Last_SQL_Error ?? ''}`);
      await waitForTablesEqual({ server: source, database: 'cid2' }, { server: target, database: 'cid2' }, ['t'], cli, 30_000);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await replica.sql('STOP SLAVE').catch(() => undefined);
    }
  });
});
