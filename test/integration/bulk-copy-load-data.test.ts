import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { runCli, startCli } from '../env/run-cli.js';
import { differencesBetween, schemaSql, TABLES } from '../env/type-fixture.js';

/*
 * The bulk-copy path through LOAD DATA LOCAL INFILE: parallel lanes over integer keys, keyset pages
 * over other keys, values that are nothing but separators and escapes, a target that would change
 * values (rolled back, reported), and a target that refuses LOAD DATA LOCAL (INSERTs, told once).
 * The type fixture's exact read checks the copies (sync-exactness covers every type on this path).
 */

const servers = mariaDbServersForTests({
  source: {}, target: {}, refusing: { extraArgs: ['--local-infile=0'] }, smallPackets: { extraArgs: ['--max-allowed-packet=1M'] },
});

const LANES_DDL = `CREATE TABLE lanes (id BIGINT NOT NULL PRIMARY KEY, n INT NOT NULL, t VARCHAR(60), b VARBINARY(20))`;
const EXTREMES_DDL = 'CREATE TABLE extremes (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(10))';
const KEYSET_DDL = `CREATE TABLE keyset (k1 VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, k2 INT NOT NULL, v TEXT CHARACTER SET latin1,
  PRIMARY KEY (k1, k2))`;
const SPECIALS_DDL = 'CREATE TABLE specials (id INT PRIMARY KEY, t LONGTEXT CHARACTER SET utf8mb4, b LONGBLOB)';
const NARROW_SOURCE_DDL = 'CREATE TABLE narrow (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)';
const NARROW_TARGET_DDL = 'CREATE TABLE narrow (id INT PRIMARY KEY, v VARCHAR(3) NOT NULL)';
const COPIED = ['extremes', 'keyset', 'lanes', 'specials'];

const sourceRows = [
  // 150,000 sparse keys from about -5e8 to 1e9 (planned as several lanes), with separators, quotes and NUL in some values.
  `INSERT INTO lanes SELECT CAST(seq AS SIGNED) * 10007 - 500000000, seq, IF(seq % 7 = 0, CONCAT('tab\\there\\nnew ''q'' \\\\ ', seq), CONCAT('v', seq)),
     IF(seq % 5 = 0, NULL, UNHEX(CONCAT(LPAD(HEX(seq), 8, '0'), '00090A5C27'))) FROM seq_1_to_150000`,
  "INSERT INTO extremes VALUES (0, 'zero'), (1, 'one'), (9223372036854775808, 'half'), (18446744073709551614, 'max-1'), (18446744073709551615, 'max')",
  "INSERT INTO keyset SELECT CONCAT(CHAR(65 + seq % 26), '\\t', seq % 97), seq, IF(seq % 3 = 0, NULL, CONCAT('caf', CHAR(233), ' \\n ', seq)) FROM seq_1_to_5000",
  // 2 MB of separators, quotes and backslashes, and 3 MB of bytes that include every byte value.
  `INSERT INTO specials VALUES (1, REPEAT('\\t\\n\\\\''"x\\0', 250000), REPEAT(UNHEX(CONCAT_WS('', ${Array.from({ length: 16 }, (_, i) => `'${Array.from({ length: 16 }, (_, j) => (i * 16 + j).toString(16).padStart(2, '0')).join('')}'`).join(', ')})), 12288)),
     (2, '', X''), (3, NULL, NULL), (4, 'NULL', '\\\\N')`,
  "INSERT INTO narrow VALUES (1, 'ok'), (2, 'much too long')",
];

describe('bulk copy through LOAD DATA LOCAL INFILE', { skip: servers.skip }, () => {
  let cwd = '';
  const sync = async (target: 'target' | 'refusing', database: string, ...extra: string[]): Promise<{ code: number; tables: Array<{ table: string; status: string; method?: string; reason?: string }>; stderr: string }> => {
    const result = await runCli(['sync', '--source', servers.source.url(database === 'ex_copy' ? 'ex' : 'copy'), '--target', servers[target].url(database),
      '--detector', 'off', '--json', '--log-level', 'warn', ...extra], { cwd });
    const report = JSON.parse(result.stdout) as { tables: Array<{ table: string; status: string; method?: string; reason?: string }> };
    return { code: result.code, tables: report.tables, stderr: result.stderr };
  };

  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'scsc-bulk-copy-'));
    const ddl = [LANES_DDL, EXTREMES_DDL, KEYSET_DDL, SPECIALS_DDL];
    await servers.source.sql(['CREATE DATABASE copy', 'USE copy', ...ddl, NARROW_SOURCE_DDL, ...sourceRows].join(';\n'));
    await servers.source.sql(schemaSql('ex', 0));
    await servers.target.sql(['CREATE DATABASE copy', 'USE copy', ...ddl, NARROW_TARGET_DDL].join(';\n'));
    await servers.refusing.sql(['CREATE DATABASE copy', 'USE copy', ...ddl, NARROW_SOURCE_DDL].join(';\n'));
    await servers.refusing.sql(schemaSql('ex_copy', -1));
  });
  after(async () => {
    if (cwd !== '') await rm(cwd, { recursive: true, force: true });
  });

  it('copies lanes of integer keys, keyset pages and values made of separators exactly; a target that would change values gets no rows', async () => {
    const started = Date.now();
    const { code, tables, stderr } = await sync('target', 'copy');
    const byTable = Object.fromEntries(tables.map((t) => [t.table, t]));
    for (const table of COPIED) assert.deepEqual([byTable[table]?.status, byTable[table]?.method], ['copied', 'copy'], `${table}: ${JSON.stringify(byTable[table])}\n${stderr}`);
    assert.notEqual(code, 0, 'the narrow table fails, so the run does');
    assert.equal(byTable.narrow?.status, 'error');
    assert.match(byTable.narrow?.reason ?? '', /warning|truncated|too long/i);
    assert.deepEqual(await servers.target.sql('SELECT COUNT(*) AS n FROM copy.narrow'), [{ n: '0' }], 'the statement that changed a value was rolled back');
    assert.deepEqual(await differencesBetween({ server: servers.source, database: 'copy' }, { server: servers.target, database: 'copy' }, COPIED), []);
    assert.ok(Date.now() - started < 60_000, 'long values full of separators copy in linear time');
    assert.doesNotMatch(stderr, /LOCAL INFILE/);
  });

  it('reads a source whose max_allowed_packet (and so GROUP_CONCAT) is small in blocks that are never cut', async () => {
    await servers.smallPackets.sql(`CREATE DATABASE copy; USE copy; ${SPECIALS_DDL};
      INSERT INTO specials SELECT seq, REPEAT(CONCAT(seq, '\\t\\n\\\\'''), 30000 + seq * 50), REPEAT(UNHEX(LPAD(HEX(seq), 4, '0')), 60000 + seq) FROM seq_1_to_200`);
    await servers.target.sql(`CREATE DATABASE small; USE small; ${SPECIALS_DDL}`);
    const result = await runCli(['sync', '--source', servers.smallPackets.url('copy'), '--target', servers.target.url('small'), '--detector', 'off', '--json', '--log-level', 'warn'], { cwd });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(await differencesBetween({ server: servers.smallPackets, database: 'copy' }, { server: servers.target, database: 'small' }, ['specials']), []);
  });

  it('stops on SIGINT after the statements in flight: whole rows only, and the next sync completes the table', async () => {
    await servers.source.sql('CREATE DATABASE stop; CREATE TABLE stop.big (id INT PRIMARY KEY, v VARCHAR(100)); USE stop; INSERT INTO stop.big SELECT seq, REPEAT(CHAR(97 + seq % 26), 90) FROM seq_1_to_600000');
    await servers.target.sql('CREATE DATABASE stop; CREATE TABLE stop.big (id INT PRIMARY KEY, v VARCHAR(100))');
    const args = ['sync', '--source', servers.source.url('stop'), '--target', servers.target.url('stop'), '--detector', 'off', '--json', '--log-level', 'error'];
    const running = startCli(args, { cwd });
    const count = async (): Promise<number> => Number(((await servers.target.sql('SELECT COUNT(*) AS n FROM stop.big')) as Array<{ n: string }>)[0]?.n);
    for (let waited = 0; (await count()) === 0 && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 1, running.output());
    const report = JSON.parse(running.output()) as { tables: Array<{ status: string; sourceRows: number }> };
    assert.equal(report.tables[0]?.status, 'stopped');
    const loaded = await count();
    assert.ok(loaded > 0 && loaded < 600_000, `rows after the stop: ${loaded}`);
    assert.equal(report.tables[0]?.sourceRows, loaded, 'the report counts the committed rows');
    assert.deepEqual(await servers.target.sql("SELECT COUNT(*) AS n FROM stop.big WHERE v <> REPEAT(CHAR(97 + id % 26), 90)"), [{ n: '0' }]);

    const again = await runCli(args.slice(0, -2), { cwd });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(await count(), 600_000);
  });

  it('falls back to INSERTs when the target refuses LOAD DATA LOCAL, says so once, and copies exactly', async () => {
    const { code, tables, stderr } = await sync('refusing', 'copy', '--exclude', 'narrow');
    assert.equal(code, 0, `${JSON.stringify(tables)}\n${stderr}`);
    assert.deepEqual(tables.map((t) => [t.table, t.status]).sort(), COPIED.map((t) => [t, 'copied']));
    assert.equal(stderr.match(/refuses LOAD DATA LOCAL INFILE/g)?.length, 1, stderr);
    assert.deepEqual(await differencesBetween({ server: servers.source, database: 'copy' }, { server: servers.refusing, database: 'copy' }, COPIED), []);

    const fixture = await sync('refusing', 'ex_copy');
    assert.equal(fixture.code, 0, `${JSON.stringify(fixture.tables)}\n${fixture.stderr}`);
    assert.deepEqual(await differencesBetween({ server: servers.source, database: 'ex' }, { server: servers.refusing, database: 'ex_copy' }, TABLES), []);
  });
});
