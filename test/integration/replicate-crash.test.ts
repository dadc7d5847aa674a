import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { startCli } from '../env/run-cli.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';

/*
 * A random workload runs on the source while `scsc replicate` is killed with SIGKILL at random points
 * and restarted. Afterwards the target must equal the source (independent exact read) and nothing may
 * have been applied twice: `ledger` only ever gets inserts on the source, so a re-applied batch would
 * show up on the target as an UPDATE, which a target-only trigger records in ledger_reapplied.
 */

const servers = mariaDbServersForTests({ source: {}, target: {} });

const SCHEMA = [
  'CREATE DATABASE app', 'USE app',
  'CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(60), updated DATETIME(6))',
  'CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(12,2) NOT NULL, memo TEXT)',
  'CREATE TABLE bulk (id INT PRIMARY KEY, payload CHAR(40) NOT NULL)',
];
const TABLES = ['accounts', 'ledger', 'bulk'];

async function runWorkload(source: MariaDbServer, stop: AbortSignal): Promise<number> {
  const connection = await mysql.createConnection({ host: source.host, port: source.port, user: 'root', database: 'app' });
  let transactions = 0;
  const random = (n: number): number => Math.floor(Math.random() * n);
  try {
    while (!stop.aborted) {
      const id = 1 + random(300);
      const kind = random(7);
      await connection.query('START TRANSACTION');
      if (kind === 0) {
        await connection.query('INSERT INTO accounts VALUES (?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE balance = balance + 1', [id, random(1000), `n${random(1e6)}`]);
      } else if (kind === 1) {
        await connection.query('UPDATE accounts SET balance = balance - ?, note = CONCAT(IFNULL(note, ""), "x") WHERE id = ?', [random(50), id]);
      } else if (kind === 2) {
        await connection.query('DELETE FROM accounts WHERE id = ?', [id]);
      } else if (kind === 3) {
        // primary-key change
        await connection.query('UPDATE IGNORE accounts SET id = ? WHERE id = ?', [301 + random(300), id]);
      } else if (kind === 4) {
        // delete and re-insert of one key in one transaction
        await connection.query('DELETE FROM accounts WHERE id = ?', [id]);
        await connection.query('INSERT INTO accounts VALUES (?, ?, "reborn", UTC_TIMESTAMP(6))', [id, random(100)]);
      } else {
        // multi-table transaction
        await connection.query('INSERT INTO ledger (account_id, amount, memo) VALUES (?, ?, ?), (?, ?, NULL)', [id, (random(100000) - 50000) / 100, 'm'.repeat(random(200)), id, 1.5]);
        await connection.query('UPDATE accounts SET balance = balance + 1 WHERE id = ?', [id]);
      }
      await connection.query('COMMIT');
      transactions++;
      if (transactions % 25 === 0) await delay(5);
    }
  } finally {
    await connection.end();
  }
  return transactions;
}

describe('scsc replicate survives SIGKILL at random points', { skip: servers.skip }, () => {
  it('after catch-up the target equals the source and no change was applied twice', async () => {
    await servers.source.sql(SCHEMA.join(';\n'));
    await servers.target.sql([...SCHEMA,
      'CREATE TABLE ledger_reapplied (id BIGINT, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))',
      'CREATE TRIGGER ledger_twice AFTER UPDATE ON ledger FOR EACH ROW INSERT INTO ledger_reapplied (id) VALUES (NEW.id)',
    ].join(';\n'));
    // --fire-triggers: the target-only trigger that records re-applied rows must run.
    const args = ['replicate', '--source', servers.source.url('app'), '--target', servers.target.url('app'), '--exclude', 'ledger_reapplied', '--fire-triggers', '--batch-size', '200', '--log-level', 'info'];

    const stopWorkload = new AbortController();
    // Writes run from before the first start: the snapshot itself races them.
    const workload = runWorkload(servers.source, stopWorkload.signal);
    await delay(300);
    const outputs: string[] = [];
    try {
      for (let round = 0; round < 5; round++) {
        const cli = startCli(args);
        if (round === 1) {
          // A 100k-row transaction in flight while the replicator dies.
          await servers.source.sql('INSERT INTO bulk SELECT seq, SHA1(seq) FROM seq_1_to_100000', 'app');
        }
        // The first run is killed at a random point (start-up, snapshot or streaming), the others while streaming.
        if (round > 0) await waitForOutput(cli, 'streaming from the source binlog');
        await delay(500 + Math.random() * 2500);
        cli.child.kill('SIGKILL');
        assert.equal(await cli.exited, 137);
        outputs.push(cli.output());
        assert.doesNotMatch(cli.output(), /error [A-Z_]+:/, cli.output().slice(-2000));
      }
    } finally {
      stopWorkload.abort();
    }
    const transactions = await workload;
    assert.ok(transactions > 100, `the workload ran only ${transactions} transactions`);
    await servers.source.sql('UPDATE app.bulk SET payload = UPPER(payload) WHERE id % 1000 = 0; DELETE FROM app.bulk WHERE id > 99990');

    const cli = startCli(args);
    try {
      await waitForTablesEqual({ server: servers.source, database: 'app' }, { server: servers.target, database: 'app' }, TABLES, cli);
      const rows = await servers.target.sql('SELECT id FROM app.ledger_reapplied') as Array<{ id: string }>;
      assert.deepEqual(rows.map((r) => r.id), [], `ledger inserts applied twice\n${outputs.map((o) => o.split('\n').filter((l) => /streaming|lanes|error|warn/i.test(l)).join('\n')).join('\n---\n')}`);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
    assert.ok(outputs.slice(2).every((output) => /"lanes":[1-9]/.test(output)), 'a restart found no lane checkpoint');
  });
});
