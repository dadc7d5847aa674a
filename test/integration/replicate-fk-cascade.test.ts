import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { startCli } from '../env/run-cli.js';

/*
 * Rows an FK action changes (ON DELETE CASCADE / SET NULL, ON UPDATE CASCADE) are not in the
 * binlog: the target must repeat the action itself, in the source's order between parent and
 * child tables, and must not repeat it where the source ran with foreign_key_checks = 0.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, target: {} });

const schema = (db: string): string => `CREATE DATABASE ${db}; USE ${db};
  CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, code VARCHAR(10) NOT NULL UNIQUE);
  CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NULL, v INT NOT NULL,
    FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE);
  CREATE TABLE grandchild (id INT PRIMARY KEY, child_id INT NOT NULL,
    FOREIGN KEY (child_id) REFERENCES child (id) ON DELETE CASCADE);
  CREATE TABLE soft (id INT PRIMARY KEY, parent_id INT NULL,
    FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE CASCADE);
  CREATE TABLE keeper (id INT PRIMARY KEY, parent_id INT NOT NULL,
    FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE RESTRICT ON UPDATE CASCADE);
  CREATE TABLE coded (id INT PRIMARY KEY, parent_code VARCHAR(10) NOT NULL,
    FOREIGN KEY (parent_code) REFERENCES parent (code) ON DELETE CASCADE ON UPDATE CASCADE);
  CREATE TABLE unrelated (id INT PRIMARY KEY, v INT NOT NULL)`;
const TABLES = ['parent', 'child', 'grandchild', 'soft', 'keeper', 'coded', 'unrelated'];

describe('scsc replicate with foreign-key actions on the source', { skip: servers.skip }, () => {
  for (const [fk, flags] of [['fk', []], ['fk_kept', ['--keep-fk-checks']]] as const) {
    it(`repeats cascades on the target, in order, and not where the source had FK checks off (${flags.join(' ') || 'FK checks off'})`, async () => {
      await servers.source.sql(schema(fk));
      await servers.target.sql(schema(fk));
      await servers.source.sql(`INSERT INTO parent SELECT seq, CONCAT('p', seq), CONCAT('c', seq) FROM seq_1_to_20;
        INSERT INTO child SELECT seq, 1 + seq % 20, seq FROM seq_1_to_60;
        INSERT INTO grandchild SELECT seq, 1 + seq % 60 FROM seq_1_to_120;
        INSERT INTO soft SELECT seq, 1 + seq % 20 FROM seq_1_to_40;
        INSERT INTO keeper VALUES (1, 10), (2, 11);
        INSERT INTO coded SELECT seq, CONCAT('c', 1 + seq % 20) FROM seq_1_to_40`, fk);
      const cli = startCli(['replicate', '--source', servers.source.url(fk), '--target', servers.target.url(fk), '--log-level', 'info', ...flags]);
      try {
        await waitForOutput(cli, 'streaming from the source binlog');
        await servers.source.sql(`
          -- a child written just before its parent goes: per-table lanes could delete first, then insert an orphan
          INSERT INTO child VALUES (100, 5, 0); INSERT INTO grandchild VALUES (1000, 100); DELETE FROM parent WHERE id = 5;
          -- a key change cascades ON UPDATE (the child rows follow), it must not act as a delete
          UPDATE parent SET id = 106 WHERE id = 6;
          -- delete and re-insert of one parent in one transaction: the children go with the delete
          START TRANSACTION; DELETE FROM parent WHERE id = 7; INSERT INTO parent VALUES (7, 'again', 'c7'); COMMIT;
          -- a referenced column outside the key changes: ON UPDATE rules carry it to the children
          UPDATE parent SET code = 'c3x' WHERE id = 3; UPDATE parent SET id = 109, code = 'c9x' WHERE id = 9;
          -- a RESTRICT child removed first, then its parent
          DELETE FROM keeper WHERE id = 1; DELETE FROM parent WHERE id = 10;
          -- SET NULL children of a deleted parent
          DELETE FROM parent WHERE id = 12;
          -- the source skips the actions here: the children of 8 stay (orphans), on the target too
          SET SESSION foreign_key_checks = 0; DELETE FROM parent WHERE id = 8; SET SESSION foreign_key_checks = 1;
          INSERT INTO unrelated VALUES (1, 1);`, fk);
        const [left] = await servers.source.sql('SELECT COUNT(*) AS n FROM child WHERE parent_id = 8', fk) as Array<{ n: number }>;
        assert.ok(Number(left?.n) > 0, 'the source kept the children of 8');
        await waitForTablesEqual({ server: servers.source, database: fk }, { server: servers.target, database: fk }, TABLES, cli, 60_000);
      } finally {
        cli.child.kill('SIGTERM');
      }
      assert.equal(await cli.exited, 0, cli.output().slice(-3000));

      // A second run resumes without repeating anything, with the same lanes.
      await servers.source.sql(`DELETE FROM parent WHERE id = 1; UPDATE parent SET id = 102 WHERE id = 2; UPDATE parent SET code = 'c4x' WHERE id = 4;
        -- a TRUNCATE of a referenced table needs FK checks off on the source: the child rows stay
        SET SESSION foreign_key_checks = 0; TRUNCATE TABLE parent; SET SESSION foreign_key_checks = 1; INSERT INTO parent VALUES (1, 'new', 'c1')`, fk);
      const again = startCli(['replicate', '--source', servers.source.url(fk), '--target', servers.target.url(fk), '--log-level', 'info', ...flags]);
      try {
        await waitForTablesEqual({ server: servers.source, database: fk }, { server: servers.target, database: fk }, TABLES, again, 60_000);
      } finally {
        again.child.kill('SIGTERM');
      }
      assert.equal(await again.exited, 0, again.output().slice(-3000));
      const lanes = await servers.target.sql("SELECT lane FROM _scsc_checkpoint WHERE lane LIKE 'fk:%'", fk) as Array<{ lane: string }>;
      assert.deepEqual(lanes.map((l) => l.lane), ['fk:["child","coded","grandchild","keeper","parent","soft"]']);
    });
  }
});
