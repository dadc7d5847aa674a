import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { startCli } from '../env/run-cli.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { FIXTURE_SESSION, q, rowsSql, schemaSql, TABLES } from '../env/type-fixture.js';

/*
 * Every column type of the fixture arrives exactly through the binlog path (`scsc replicate`), with
 * the source's binlog_row_metadata at FULL (MariaDB's charset shift after a GEOMETRY column, UUID and
 * INET6 indistinguishable from BINARY(16)) and at MINIMAL (zongji reads ENUM/SET lists from
 * information_schema and splits values at commas). The check is the fixture's independent exact read.
 */

const servers = mariaDbServersForTests({
  full: { binlogRowMetadata: 'FULL' },
  minimal: { binlogRowMetadata: 'MINIMAL' },
  target: {},
});

/** Strings after a GEOMETRY column: where FULL metadata shifts charsets by one column. */
const GEO_THEN_TEXT = `CREATE TABLE geo_then_text (id INT PRIMARY KEY, g GEOMETRY, l1 VARCHAR(20) CHARACTER SET latin1,
  u8 TEXT CHARACTER SET utf8mb4, bin VARBINARY(8), js JSON, en ENUM('a,b', 'c''d'), yr YEAR, u UUID)`;
const GEO_ROWS = [
  "(1, ST_GeomFromText('POINT(1 2)', 4326), 'café ÿ', 'ü 😀', X'00FF', '{\"k\": [1, \"é\"]}', 'a,b', 0, '6ba7b810-9dad-11d1-80b4-00c04fd430c8')",
  "(2, NULL, 'x', NULL, NULL, '[]', 'c''d', 2155, NULL)",
];

for (const mode of ['full', 'minimal'] as const) {
  describe(`scsc replicate carries every column type exactly (binlog_row_metadata=${mode.toUpperCase()})`, { skip: servers.skip }, () => {
    it('inserts, updates, primary-key changes and deletes arrive exactly; SIGTERM stops it with exit 0', async () => {
      const source = servers[mode];
      const database = `ex_${mode}`;
      await source.sql(`${schemaSql('ex', -1)};\n${GEO_THEN_TEXT}`);
      await servers.target.sql(`${schemaSql(database, -1)};\n${GEO_THEN_TEXT}`);
      const cli = startCli(['replicate', '--source', source.url('ex'), '--target', servers.target.url(database), '--log-level', 'info']);
      try {
        await waitForOutput(cli, 'streaming from the source binlog');
        const use = [`USE ${q('ex')}`, ...FIXTURE_SESSION];
        await source.sql([...use, ...rowsSql(0), `INSERT INTO geo_then_text VALUES ${GEO_ROWS.join(', ')}`].join(';\n'));
        await waitForTablesEqual({ server: source, database: 'ex' }, { server: servers.target, database }, [...TABLES, 'geo_then_text'], cli);

        // Every row rewritten in one transaction (children first: cascades are not in the binlog),
        // then a key change and in-place updates.
        const clear = ['child', 'parent', 'all_types', 'all_types_uk', 'composite_keys', 'order', 'we`ird-ta ble'].map((t) => `DELETE FROM ${q(t)}`);
        await source.sql([...use, 'START TRANSACTION', ...clear, ...rowsSql(3), 'COMMIT',
          'UPDATE all_types SET id = id + 100 WHERE id IN (2, 5)',
          "UPDATE all_types_uk SET vu = CONCAT(IFNULL(vu, ''), ' ✓'), yr = 0, fl = -fl",
          "UPDATE geo_then_text SET l1 = 'ÀÉ', g = ST_GeomFromText('LINESTRING(0 0, 1 1)'), id = 3 WHERE id = 1",
          'DELETE FROM composite_keys WHERE kn = 1'].join(';\n'));
        await waitForTablesEqual({ server: source, database: 'ex' }, { server: servers.target, database }, [...TABLES, 'geo_then_text'], cli);
      } finally {
        cli.child.kill('SIGTERM');
      }
      assert.equal(await cli.exited, 0, cli.output().slice(-3000));
      assert.match(cli.output(), /replication stopped; every applied batch is checkpointed/);
    });
  });
}
