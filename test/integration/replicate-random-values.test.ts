import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mariaDbServersForTests } from '../env/mariadb.js';
import { startCli } from '../env/run-cli.js';
import { waitForOutput, waitForTablesEqual } from '../env/replication-wait.js';
import { FIXTURE_SESSION } from '../env/type-fixture.js';

/*
 * scsc reads binlog row images with its own decoder (src/source/binlog-row-reader.ts). Random values
 * of every type it reads (edge values included, NULL often; full and partial row images) go through
 * `scsc replicate` and must arrive exactly (the fixture's independent exact read); a table with a type it leaves to zongji
 * (a COMPRESSED column) arrives exactly too, and the debug log says which path it took.
 */

const servers = mariaDbServersForTests({ source: { binlogRowMetadata: 'FULL' }, minimal: { binlogRowMetadata: 'MINIMAL' }, target: {} });

const SEED = Number(process.env.SCSC_TEST_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing run can be repeated with SCSC_TEST_SEED. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ENUM_VALUES = Array.from({ length: 300 }, (_, i) => `v${i}`);
const SET_MEMBERS = Array.from({ length: 40 }, (_, i) => `m${i}`);
const DECIMALS: Array<[number, number]> = [[1, 0], [9, 9], [12, 2], [18, 9], [20, 10], [65, 30], [65, 0], [10, 5], [30, 1]];

const TABLE = `CREATE TABLE random_values (
  id INT PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
  ii INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  fl FLOAT, db DOUBLE,
  ${DECIMALS.map(([p, s], i) => `d${i} DECIMAL(${p},${s})`).join(', ')},
  b5 BIT(5), b33 BIT(33), b64 BIT(64), yr YEAR, da DATE,
  ${[0, 1, 2, 3, 4, 5, 6].map((n) => `t${n} TIME(${n})`).join(', ')},
  ${[0, 1, 3, 5, 6].map((n) => `dt${n} DATETIME(${n})`).join(', ')},
  ${[0, 2, 4, 6].map((n) => `ts${n} TIMESTAMP(${n}) NULL DEFAULT NULL`).join(', ')},
  en ENUM(${ENUM_VALUES.map((v) => `'${v}'`).join(',')}), st SET('a','b','c','d','e','f','g','h','i'),
  sw SET(${SET_MEMBERS.map((v) => `'${v}'`).join(',')}),
  cu CHAR(10), vu VARCHAR(300), vl VARCHAR(40) CHARACTER SET latin1, tx MEDIUMTEXT, js JSON,
  bn BINARY(6), vb VARBINARY(300), bl BLOB,
  ip4 INET4, ip6 INET6, uu UUID
)`;

/** NOT NULL columns without defaults: a partial image's UPDATE must not name only some of them in an INSERT. */
const NOT_NULL = 'CREATE TABLE not_null (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10) NOT NULL, c TEXT NOT NULL)';

type Random = () => number;

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const int = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
const digits = (random: Random, count: number): string => Array.from({ length: count }, () => String(int(random, 0, 9))).join('');
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const hex = (random: Random, bytes: number): string => Array.from({ length: bytes }, () => int(random, 0, 255).toString(16).padStart(2, '0')).join('');

function integer(random: Random, bits: number, unsigned: boolean): string {
  const span = 2n ** BigInt(bits);
  const low = unsigned ? 0n : -(span / 2n);
  const high = low + span - 1n;
  const edge = random();
  if (edge < 0.1) return String(low);
  if (edge < 0.2) return String(high);
  if (edge < 0.25) return '0';
  let value = 0n;
  for (let i = 0; i < bits; i += 16) value = (value << 16n) | BigInt(int(random, 0, 0xffff));
  return String(low + (value % span));
}

function decimal(random: Random, precision: number, scale: number): string {
  const whole = digits(random, int(random, 0, precision - scale)).replace(/^0+(?=\d)/, '') || '0';
  const fraction = scale === 0 ? '' : `.${digits(random, scale)}`;
  return `${random() < 0.5 ? '-' : ''}${whole}${fraction}`;
}

function time(random: Random, decimals: number): string {
  const fraction = decimals === 0 ? '' : `.${digits(random, decimals)}`;
  const hours = int(random, 0, random() < 0.3 ? 9 : 837);
  const sign = random() < 0.5 ? '-' : '';
  return `'${sign}${pad(hours)}:${pad(int(random, 0, 59))}:${pad(int(random, 0, 59))}${fraction}'`;
}

function datetime(random: Random, decimals: number): string {
  if (random() < 0.05) return `'0000-00-00 00:00:00'`;
  const fraction = decimals === 0 ? '' : `.${digits(random, decimals)}`;
  return `'${int(random, 1000, 9999)}-${pad(int(random, 1, 12))}-${pad(int(random, 1, 28))} ${pad(int(random, 0, 23))}:${pad(int(random, 0, 59))}:${pad(int(random, 0, 59))}${fraction}'`;
}

function timestamp(random: Random, decimals: number): string {
  if (random() < 0.05) return `'0000-00-00 00:00:00'`;
  const fraction = decimals === 0 ? '' : `.${digits(random, decimals)}`;
  const at = new Date(int(random, 1, 2_147_483_646) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `'${at}${fraction}'`;
}

function text(random: Random, maxLength: number, alphabet: string[]): string {
  const length = int(random, 0, maxLength);
  return Array.from({ length }, () => pick(random, alphabet)).join('').replace(/\\/g, '\\\\').replace(/'/g, "''");
}

const UTF8 = ['a', 'Z', ' ', "'", '\\', '"', ',', 'é', 'ß', '€', '中', '😀', '\n', '\t', '0'];
const LATIN1 = ['a', 'Z', ' ', "'", '\\', 'é', 'ÿ', 'À', '£', '0'];

function inet6(random: Random): string {
  const form = random();
  if (form < 0.2) return `'::ffff:${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 0, 255)}'`;
  const groups = Array.from({ length: 8 }, () => (random() < 0.4 ? '0' : int(random, 0, 0xffff).toString(16)));
  return `'${groups.join(':')}'`;
}

/** One value per column, NULL about one time in ten. */
function rowValues(random: Random, id: number): string {
  const values: Array<() => string> = [
    () => integer(random, 8, false), () => integer(random, 8, true), () => integer(random, 16, false), () => integer(random, 16, true),
    () => integer(random, 24, false), () => integer(random, 24, true), () => integer(random, 32, false), () => integer(random, 32, true),
    () => integer(random, 64, false), () => integer(random, 64, true),
    () => `${random() < 0.5 ? '-' : ''}${int(random, 1, 9)}.${digits(random, 8)}e${int(random, -37, 37)}`,
    () => `${random() < 0.5 ? '-' : ''}${int(random, 1, 9)}.${digits(random, 16)}e${int(random, -300, 300)}`,
    ...DECIMALS.map(([p, s]) => () => decimal(random, p, s)),
    () => `b'${int(random, 0, 31).toString(2)}'`, () => `b'${Array.from({ length: 33 }, () => int(random, 0, 1)).join('')}'`,
    () => `0x${hex(random, 8)}`, () => (random() < 0.1 ? '0' : String(int(random, 1901, 2155))),
    () => (random() < 0.05 ? `'0000-00-00'` : `'${int(random, 1000, 9999)}-${pad(int(random, 1, 12))}-${pad(int(random, 1, 28))}'`),
    ...[0, 1, 2, 3, 4, 5, 6].map((n) => () => time(random, n)),
    ...[0, 1, 3, 5, 6].map((n) => () => datetime(random, n)),
    ...[0, 2, 4, 6].map((n) => () => timestamp(random, n)),
    () => `'${pick(random, ENUM_VALUES)}'`,
    () => `'${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].filter(() => random() < 0.4).join(',')}'`,
    () => `'${SET_MEMBERS.filter(() => random() < 0.2).join(',')}'`,
    () => `'${text(random, 10, UTF8)}'`, () => `'${text(random, 300, UTF8)}'`, () => `'${text(random, 40, LATIN1)}'`,
    () => `'${text(random, 2000, UTF8)}'`, () => `JSON_OBJECT('k', '${text(random, 20, UTF8)}', 'n', ${int(random, -1000, 1000)})`,
    () => `0x${hex(random, int(random, 1, 6))}`, () => `0x${hex(random, int(random, 1, 300))}`, () => `0x${hex(random, int(random, 1, 3000))}`,
    () => `'${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 0, 255)}'`, () => inet6(random),
    // Versions 1-5 (the server refuses others), the RFC 4122 variant.
    () => `'${hex(random, 4)}-${hex(random, 2)}-${int(random, 1, 5)}${hex(random, 2).slice(1)}-${pick(random, ['8', '9', 'a', 'b'])}${hex(random, 2).slice(1)}-${hex(random, 6)}'`,
  ];
  return `(${id}, ${values.map((value) => (random() < 0.1 ? 'NULL' : value())).join(', ')})`;
}

describe('scsc replicate reads random values of every type exactly (its own row decoder)', { skip: servers.skip }, () => {
  for (const mode of ['source', 'minimal'] as const) {
    it(`inserts, updates and deletes of random rows arrive exactly (binlog_row_metadata=${mode === 'source' ? 'FULL' : 'MINIMAL'}, seed ${SEED})`, async () => {
      const random = generator(SEED);
      const source = servers[mode];
      const database = `rv_${mode}`;
      await source.sql(`CREATE DATABASE rv; USE rv; ${TABLE}; ${NOT_NULL}`);
      await servers.target.sql(`CREATE DATABASE ${database}; USE ${database}; ${TABLE}; ${NOT_NULL}`);
      const cli = startCli(['replicate', '--source', source.url('rv'), '--target', servers.target.url(database), '--log-level', 'debug']);
      try {
        await waitForOutput(cli, 'streaming from the source binlog');
        const use = ['USE rv', ...FIXTURE_SESSION];
        const inserts = Array.from({ length: 6 }, (_, batch) =>
          `INSERT INTO random_values VALUES ${Array.from({ length: 50 }, (_, i) => rowValues(random, batch * 50 + i + 1)).join(', ')}`);
        await source.sql([...use, ...inserts, "INSERT INTO not_null VALUES (1, 1, 'a', 'x'), (2, 2, 'b', 'y'), (3, 3, 'c', 'z')"].join(';\n'));
        // Rewrites: whole rows replaced (update of every column), keys moved, rows deleted.
        const replaced = Array.from({ length: 60 }, () => int(random, 1, 300));
        const rewrites = [...new Set(replaced)].map((id) => `REPLACE INTO random_values VALUES ${rowValues(random, id)}`);
        await source.sql([...use, 'START TRANSACTION', ...rewrites, 'COMMIT',
          'UPDATE random_values SET id = id + 1000 WHERE id % 17 = 0',
          'UPDATE random_values SET bu = 18446744073709551615 - id, t6 = \'-00:00:00.000001\', d5 = -d5 WHERE id % 5 = 1',
          'DELETE FROM random_values WHERE id % 11 = 0',
          // Partial images (a session's binlog_row_image=MINIMAL): only the key before, only changed columns after.
          "SET SESSION binlog_row_image = 'MINIMAL'",
          `UPDATE random_values SET ii = 7, vu = 'minimal', t3 = ${time(random, 3)} WHERE id % 3 = 0`,
          'DELETE FROM random_values WHERE id % 13 = 0',
          'UPDATE random_values SET id = id + 5000 WHERE id % 7 = 0',
          'DELETE FROM random_values WHERE id = 2', 'INSERT INTO random_values (id, ii) VALUES (2, 42)',
          "UPDATE not_null SET a = a + 1 WHERE id = 1", "UPDATE not_null SET id = 10, b = 'moved' WHERE id = 2",
          'DELETE FROM not_null WHERE id = 3', "INSERT INTO not_null (id, a, b, c) VALUES (3, 0, 'again', '')"].join(';\n'));
        await waitForTablesEqual({ server: source, database: 'rv' }, { server: servers.target, database }, ['random_values', 'not_null'], cli);
        assert.doesNotMatch(cli.output(), /decoded by zongji/, 'every column type of random_values is read by scsc');
      } finally {
        cli.child.kill('SIGTERM');
      }
      assert.equal(await cli.exited, 0, cli.output().slice(-3000));
    });
  }

  it('a latin1 ENUM key has one form whichever decoder read it: a row inserted and deleted in one batch stays deleted', async () => {
    const source = servers.source;
    const table = "CREATE TABLE latin1_keys (e ENUM('a','b','é') CHARACTER SET latin1 PRIMARY KEY, st SET('x','ÿ') CHARACTER SET latin1, n INT)";
    await source.sql(`CREATE DATABASE lk; USE lk; ${table}`);
    await servers.target.sql(`CREATE DATABASE lk_copy; USE lk_copy; ${table}`);
    const cli = startCli(['replicate', '--source', source.url('lk'), '--target', servers.target.url('lk_copy'), '--log-level', 'info']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      // The process's first insert and update events are decoded by zongji, the later ones by scsc's reader.
      await source.sql(['USE lk', ...FIXTURE_SESSION, 'START TRANSACTION',
        "INSERT INTO latin1_keys VALUES ('a', 'x', 1), ('é', 'ÿ', 2)", "UPDATE latin1_keys SET n = 3 WHERE e = 'é'",
        "UPDATE latin1_keys SET n = 4, st = 'x,ÿ' WHERE e = 'a'", "DELETE FROM latin1_keys WHERE e = 'a'",
        "INSERT INTO latin1_keys VALUES ('b', 'ÿ', 5)", "UPDATE latin1_keys SET e = 'a' WHERE e = 'é'", 'COMMIT'].join(';\n'));
      await waitForTablesEqual({ server: source, database: 'lk' }, { server: servers.target, database: 'lk_copy' }, ['latin1_keys'], cli);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });

  it('a table with a type scsc leaves to zongji (COMPRESSED columns) arrives exactly, and the debug log names the column', async () => {
    const source = servers.source;
    const table = `CREATE TABLE zongji_read (id INT PRIMARY KEY, tm TIME(3), c VARCHAR(200) COMPRESSED, b BLOB COMPRESSED, st SET('x','y'), bu BIGINT UNSIGNED, yr YEAR)`;
    await source.sql(`CREATE DATABASE zr; USE zr; ${table}`);
    await servers.target.sql(`CREATE DATABASE zr_copy; USE zr_copy; ${table}`);
    const cli = startCli(['replicate', '--source', source.url('zr'), '--target', servers.target.url('zr_copy'), '--log-level', 'debug']);
    try {
      await waitForOutput(cli, 'streaming from the source binlog');
      await source.sql(["USE zr", ...FIXTURE_SESSION,
        "INSERT INTO zongji_read VALUES (1, '-00:00:01.500', REPEAT('é', 150), REPEAT(X'00FF', 500), 'x,y', 18446744073709551615, 0), (2, NULL, '', X'', '', 0, 2155)",
        "UPDATE zongji_read SET tm = '-838:59:59.000', c = 'ü', yr = 0 WHERE id = 2",
        'DELETE FROM zongji_read WHERE id = 1',
        "INSERT INTO zongji_read VALUES (3, '12:00:00.001', 'x', X'01', 'y', 1, 1999)"].join(';\n'));
      await waitForTablesEqual({ server: source, database: 'zr' }, { server: servers.target, database: 'zr_copy' }, ['zongji_read'], cli);
      assert.match(cli.output(), /"table":"zongji_read","column":"c".*decoded by zongji/);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal(await cli.exited, 0, cli.output().slice(-3000));
  });
});
