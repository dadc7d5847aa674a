import assert from 'node:assert/strict';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';

/*
 * A schema holding every column type scsc must carry exactly, and an independent exact read to
 * compare two copies of it: each column is read with an expression that shows its exact stored form
 * (HEX of the bytes for character, binary, ENUM/SET, JSON and GEOMETRY data; CAST AS CHAR for
 * integers, DECIMAL, temporal values, UUID and INET6; HEX for BIT) and FLOAT/DOUBLE through the
 * binary protocol (the 4 or 8 IEEE bytes as sent by the server). Nothing of scsc's own code or hash
 * takes part in the check.
 */

export const q = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/**
 * Every type in one table. all_types_uk adds secondary UNIQUE keys, so its changed rows take the
 * delete + re-insert path (in one transaction) instead of the upsert; the altered target's rotated
 * rows then hold swapped UNIQUE values too.
 */
export const allTypesDdl = (name: string, extraKeys = ''): string => `CREATE TABLE ${name} (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
  ii INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
  fl FLOAT, db DOUBLE, dm DECIMAL(65,30),
  b1 BIT(1), b64 BIT(64), yr YEAR,
  da DATE, dt0 DATETIME, dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3), dt4 DATETIME(4), dt5 DATETIME(5), dt6 DATETIME(6),
  ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), tm0 TIME,
  cu CHAR(12) CHARACTER SET utf8mb4, vu VARCHAR(200) CHARACTER SET utf8mb4, tu TEXT CHARACTER SET utf8mb4,
  cl CHAR(12) CHARACTER SET latin1, vl VARCHAR(200) CHARACTER SET latin1, tl TEXT CHARACTER SET latin1,
  bn BINARY(16), vb VARBINARY(64), bb BLOB, lb LONGBLOB,
  en ENUM('plain', 'with,comma', 'it''s', 'say "hi"', 'back\\\\slash', 'a,b''c"d'),
  st SET('x', 'it''s', 'say "hi"', 'back\\\\slash'),
  js JSON, uu UUID, ip INET6, ge GEOMETRY, pt POINT,
  gv BIGINT AS (ii * 2) VIRTUAL,
  gs VARCHAR(300) AS (CONCAT(IFNULL(vu, '-'), '|', IFNULL(en, '-'), '|', IFNULL(HEX(vb), '-'))) STORED${extraKeys}
)`;

const datetimes = (value: (digits: number) => string): Record<string, string> =>
  Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((n) => [`dt${n}`, value(n)]));
const frac = (digits: string, n: number): string => (n === 0 ? '' : `.${digits.slice(0, n)}`);

export const ALL_TYPES_ROWS: Array<Record<string, string>> = [
  {}, // NULL in every nullable column
  {
    ti: '-128', tiu: '0', si: '-32768', su: '0', mi: '-8388608', mu: '0', ii: '-2147483648', iu: '0',
    bi: '-9223372036854775808', bu: '0', fl: '1.17549435e-38', db: '5e-324',
    dm: '-99999999999999999999999999999999999.999999999999999999999999999999',
    b1: "b'0'", b64: "b'0'", yr: '0', da: "'0000-00-00'", ...datetimes(() => "'0000-00-00 00:00:00'"),
    ts: "'0000-00-00 00:00:00'", tm: "'-838:59:59.000000'", tm0: "'-838:59:59'",
    cu: "''", vu: "''", tu: "''", cl: "''", vl: "''", tl: "''",
    bn: "X'00000000000000000000000000000000'", vb: "X''", bb: "X''", lb: "X''",
    en: "'plain'", st: "''", js: "'{}'", uu: "'00000000-0000-0000-0000-000000000000'", ip: "'::'", ge: "ST_GeomFromText('POINT(0 0)')", pt: 'POINT(0, 0)',
  },
  {
    ti: '127', tiu: '255', si: '32767', su: '65535', mi: '8388607', mu: '16777215', ii: '2147483647', iu: '4294967295',
    bi: '9223372036854775807', bu: '18446744073709551615', fl: '3.4028234e38', db: '1.7976931348623157e308',
    dm: '99999999999999999999999999999999999.999999999999999999999999999999',
    b1: "b'1'", b64: `b'${'1'.repeat(64)}'`, yr: '2155', da: "'9999-12-31'", ...datetimes((n) => `'9999-12-31 23:59:59${frac('999999', n)}'`),
    ts: "'2038-01-19 03:14:07.999999'", tm: "'838:59:59.000000'", tm0: "'838:59:59'",
    cu: "'emoji 😀🎉'", vu: "'family 👩‍👩‍👧 and 漢字 ß'", tu: "REPEAT('é😀\\\\', 9000)", cl: "'café ÿ¤'", vl: "'Ünïcødé in latin1 ñ'", tl: "REPEAT('àé ', 20000)",
    bn: "X'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'", vb: "X'FF00FF00'", bb: "REPEAT(X'00FF', 30000)", lb: "REPEAT(UNHEX(SHA2('scsc exactness', 512)), 49152)", // 3 MiB, NUL bytes included
    en: "'with,comma'", st: "'x,it''s,say \"hi\",back\\\\slash'",
    js: `'{"a": [1, 2.5, "x\\\\"y", null, true], "emoji": "😀", "nested": {"k": "\\\\u0000", "deep": [[[]]]}}'`,
    uu: "'ffffffff-ffff-ffff-ffff-ffffffffffff'", ip: "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", ge: "ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))')", pt: 'POINT(1e300, -1e-300)',
  },
  {
    ti: '-1', tiu: '1', si: '-1', su: '1', mi: '-1', mu: '1', ii: '-1', iu: '1', bi: '-1', bu: '9223372036854775808',
    fl: '16777217', db: '-0e0', dm: '0.000000000000000000000000000001',
    b1: "b'1'", b64: "b'1000000000000000000000000000000000000000000000000000000000000000'", yr: '1901', da: "'1000-01-01'", ...datetimes(() => "'1000-01-01 00:00:00'"),
    ts: "'1970-01-01 00:00:01.000000'", tm: "'-00:00:00.000001'", tm0: "'-00:00:01'",
    cu: "'trail   '", vu: "'nul\\0byte, back\\\\slash, it''s \"quoted\", trail   '", tu: "'line\\nbreak\\ttab\\r\\Z'", cl: "'nul\\0 '", vl: "'back\\\\slash ''q'' \"dq\" trail  '", tl: "'latin1 \\0 ©®'",
    bn: "X'00FF00FF00FF00FF00FF00FF00FF0000'", vb: "X'00'", bb: "X'000000'", lb: "REPEAT(X'0001', 600000)", // 1.2 MB
    en: "'it''s'", st: "'say \"hi\"'", js: "'\"just a string with \\\\\\\\ and \\\\\"\"'",
    uu: "'123e4567-e89b-12d3-a456-426614174000'", ip: "'::ffff:192.0.2.1'", ge: "ST_GeomFromText('LINESTRING(0 0, 1 1, -2.5 3e10)', 4326)", pt: 'POINT(-1.5, 2.25)',
  },
  {
    ti: '42', tiu: '200', si: '-1234', su: '40000', mi: '-70000', mu: '9000000', ii: '123456789', iu: '3000000000',
    bi: '-4611686018427387904', bu: '18446744073709551614', fl: '0.1', db: '0.1', dm: '-0.5',
    b1: "b'0'", b64: "b'101'", yr: '2000', da: "'2024-02-29'", ...datetimes((n) => `'2024-02-29 12:34:56${frac('123456', n)}'`),
    ts: "'2024-02-29 12:34:56.654321'", tm: "'25:00:00.500000'", tm0: "'100:00:01'",
    cu: "'back\\\\'", vu: "'quote '' and \"double\"'", tu: "'😀'", cl: "'x'", vl: "'§'", tl: "'z'",
    bn: "X'0102030405060708090A0B0C0D0E0F10'", vb: "'text in varbinary'", bb: "X'5C00275C22'", lb: "X'00'",
    en: "'say \"hi\"'", st: "'x'", js: "'[]'",
    uu: "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", ip: "'2001:db8::1'", ge: "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(1 2, 3 4))')", pt: 'POINT(3, 4)',
  },
  {
    ti: '0', tiu: '128', si: '0', su: '32768', mi: '0', mu: '8388608', ii: '0', iu: '2147483648', bi: '0', bu: '1',
    fl: '-3.4028234e38', db: '-2.2250738585072014e-308', dm: '12345678901234567890123456789012345.123456789012345678901234567890',
    b1: "b'1'", b64: "b'1111111111111111111111111111111111111111111111111111111111111110'", yr: '1999', da: "'1970-01-01'", ...datetimes((n) => `'1999-12-31 23:59:59${frac('500001', n)}'`),
    ts: "'2000-01-01 00:00:00.000001'", tm: "'00:00:00.000000'", tm0: "'00:00:00'",
    cu: "' lead'", vu: "'\\\\0 is not NUL; this is: \\0'", tu: "''", cl: "' '", vl: "'\\0'", tl: "'\\\\'",
    bn: "X'FF000000000000000000000000000000'", vb: "X'0000FF00'", bb: "REPEAT(X'00', 65535)", lb: "REPEAT(X'FE', 2000000)",
    en: "'back\\\\slash'", st: "'it''s,back\\\\slash'", js: "'{\"k\": 1e308, \"n\": -0.0}'",
    uu: "'6ba7b810-9dad-11d1-80b4-00c04fd430c8'", ip: "'fe80::1:2:3:4'", ge: "ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))')", pt: 'POINT(-0.0, 123456789.123456789)',
  },
  {
    ti: '1', tiu: '2', si: '3', su: '4', mi: '5', mu: '6', ii: '7', iu: '8', bi: '9', bu: '10',
    fl: '-123456.789', db: '0.3333333333333333', dm: '1',
    b1: "b'0'", b64: "b'1'", yr: '2024', da: "'2000-01-01'", ...datetimes((n) => `'2000-06-15 01:02:03${frac('000001', n)}'`),
    ts: "'1999-12-31 23:59:59.999999'", tm: "'-25:30:00.250000'", tm0: "'-100:00:00'",
    cu: "'abc'", vu: "'plain ascii'", tu: "'short'", cl: "'abc'", vl: "'plain'", tl: "'text'",
    bn: "X'11111111111111111111111111111111'", vb: "'abc'", bb: "'blob'", lb: "'longblob'",
    en: "'a,b''c\"d'", st: "'x,say \"hi\"'", js: "'{\"a\": 1}'",
    uu: "'11111111-2222-3333-4444-555555555555'", ip: "'1::'", ge: "ST_GeomFromText('MULTIPOINT(1 1, 2 2)')", pt: 'POINT(1, 1)',
  },
];

export const ALL_TYPES_COLUMNS = Object.keys(ALL_TYPES_ROWS[1] ?? {}); // the second row sets every column, in table order

/** Composite keys over text (binary collation), BIGINT extremes, bytes with NULs and DATETIME(6). */
const COMPOSITE_DDL = `CREATE TABLE composite_keys (
  kt VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, kn BIGINT NOT NULL, kb VARBINARY(8) NOT NULL,
  kd DATETIME(6) NOT NULL, val VARCHAR(40), n DOUBLE, PRIMARY KEY (kt, kn, kb, kd))`;
const COMPOSITE_KEYS = [
  "'😀', -9223372036854775808, X'00', '0000-00-00 00:00:00'",
  "'a''b\"c', 9223372036854775807, X'FF00', '9999-12-31 23:59:59.999999'",
  "'back\\\\', 0, X'', '2024-01-01 00:00:00'",
  "'', 1, X'0000', '2024-01-01 00:00:00.000001'",
  "'a', 1, X'00', '2024-01-01 00:00:00'",
  "'A', 1, X'00', '2024-01-01 00:00:00'",
  "'nul\\0', -1, X'0000', '1000-01-01 00:00:00'",
];
const COMPOSITE_VALUES = ["'one', 1.5", "NULL, NULL", "'three', -0.1", "'four', 1e-300", "'five', 5", "'six', 6", "'seven', 7e7"];

/** Reserved words, backticks, dashes and spaces in table and column names. */
const IDENTIFIER_DDL = [
  'CREATE TABLE `order` (`key` INT PRIMARY KEY, `select` VARCHAR(20), `back``tick` INT, `da-sh` DATE, `sp ace` TEXT)',
  "CREATE TABLE `we``ird-ta ble` (`pk col` INT NOT NULL, `pk-2` VARCHAR(10) NOT NULL, `from` DOUBLE, `x``y z` BLOB, PRIMARY KEY (`pk col`, `pk-2`))",
];
const ORDER_VALUES = ["'a', 1, '2020-01-01', 'x'", "'b', 2, '2021-02-02', NULL", "NULL, NULL, NULL, 'space'", "'d', -4, '1999-09-09', ''"];
const WEIRD_VALUES = ["0.5, X'00'", "NULL, NULL", "-1e10, 'blob'"];

const FK_DDL = [
  'CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL)',
  `CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, note VARCHAR(30),
    CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE)`,
];
const PARENT_VALUES = ["'p1'", "'p2'", "'p3'"];
const CHILD_VALUES = ["1, 'c1'", "1, 'c2'", "2, 'c3'", "3, NULL"];

/** Inserts with the values of row i (or row i + shift, cyclically, for an altered copy). */
function rotated(values: readonly string[], shift: number): (i: number) => string {
  return (i) => values[(i + shift) % values.length] as string;
}

/** The fixture's rows (row i holds the values of row i + shift, cyclically), as INSERT statements. */
export function rowsSql(shift: number): string[] {
  const all = rotated(ALL_TYPES_ROWS.map((row) => ALL_TYPES_COLUMNS.map((c) => row[c] ?? 'NULL').join(', ')), shift);
  return [
    ...['all_types', 'all_types_uk'].map((table) =>
      `INSERT INTO ${table} (id, ${ALL_TYPES_COLUMNS.join(', ')}) VALUES ${ALL_TYPES_ROWS.map((_, i) => `(${i + 1}, ${all(i)})`).join(',\n')}`),
    `INSERT INTO composite_keys VALUES ${COMPOSITE_KEYS.map((k, i) => `(${k}, ${rotated(COMPOSITE_VALUES, shift)(i)})`).join(', ')}`,
    `INSERT INTO \`order\` VALUES ${ORDER_VALUES.map((_, i) => `(${i + 1}, ${rotated(ORDER_VALUES, shift)(i)})`).join(', ')}`,
    `INSERT INTO \`we\`\`ird-ta ble\` VALUES ${WEIRD_VALUES.map((_, i) => `(${i}, 'k-${i}', ${rotated(WEIRD_VALUES, shift)(i)})`).join(', ')}`,
    `INSERT INTO parent VALUES ${PARENT_VALUES.map((_, i) => `(${i + 1}, ${rotated(PARENT_VALUES, shift)(i)})`).join(', ')}`,
    `INSERT INTO child VALUES ${CHILD_VALUES.map((_, i) => `(${i + 1}, ${rotated(CHILD_VALUES, shift)(i)})`).join(', ')}`,
  ];
}

/** Session settings under which the fixture's literals mean what they say (zero dates, UTC). */
export const FIXTURE_SESSION = ["SET time_zone = '+00:00'", "SET sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'"];

/** The fixture database: its tables, and its rows unless shift < 0. */
export function schemaSql(database: string, shift: number): string {
  return [
    `CREATE DATABASE ${q(database)}`, `USE ${q(database)}`, ...FIXTURE_SESSION,
    allTypesDdl('all_types'), allTypesDdl('all_types_uk', ',\n  UNIQUE KEY uk_bn (bn), UNIQUE KEY uk_bi_dt6 (bi, dt6)'), COMPOSITE_DDL, ...IDENTIFIER_DDL, ...FK_DDL,
    ...(shift < 0 ? [] : rowsSql(shift)),
  ].join(';\n');
}

export const TABLES = ['all_types', 'all_types_uk', 'child', 'composite_keys', 'order', 'parent', 'we`ird-ta ble'];

export type Snapshot = Map<string, Record<string, string | null>>;

/**
 * Every row of a table in an exact form, keyed by its primary key: FLOAT and DOUBLE as the IEEE bits
 * the binary protocol carries, everything else as text the server renders from the stored value.
 */
export async function exactSnapshot(server: MariaDbServer, database: string, table: string): Promise<Snapshot> {
  const connection = await mysql.createConnection({ host: server.host, port: server.port, user: 'root', database, dateStrings: true });
  try {
    await connection.query("SET time_zone = '+00:00'");
    const [columns] = await connection.query<RowDataPacket[]>(
      `SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS type, s.SEQ_IN_INDEX AS keyPart FROM information_schema.COLUMNS c
       LEFT JOIN information_schema.STATISTICS s ON s.TABLE_SCHEMA = c.TABLE_SCHEMA AND s.TABLE_NAME = c.TABLE_NAME
         AND s.COLUMN_NAME = c.COLUMN_NAME AND s.INDEX_NAME = 'PRIMARY'
       WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION`, [database, table]);
    assert.ok(columns.length > 0, `table ${database}.${table} has no columns`);
    const expressions = columns.map((c, i) => `${exactExpression(String(c.name), String(c.type))} AS c${i}`);
    const [rows] = await connection.execute<RowDataPacket[]>(`SELECT ${expressions.join(', ')} FROM ${q(database)}.${q(table)}`);
    const keyColumns = columns.map((c, i) => ({ i, part: Number(c.keyPart ?? 0) })).filter((c) => c.part > 0).sort((a, b) => a.part - b.part);
    const snapshot: Snapshot = new Map();
    for (const row of rows) {
      const values: Record<string, string | null> = {};
      columns.forEach((c, i) => {
        values[String(c.name)] = exactText(row[`c${i}`]);
      });
      snapshot.set(JSON.stringify(keyColumns.map((k) => values[String(columns[k.i]?.name)])), values);
    }
    return snapshot;
  } finally {
    await connection.end();
  }
}

const AS_TEXT = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'year', 'date', 'datetime', 'timestamp', 'time', 'uuid', 'inet6']);

/** FLOAT/DOUBLE raw (binary protocol: the IEEE bytes); numbers, times, UUID, INET6 as text; all else (and BIT) as HEX of the bytes. */
function exactExpression(name: string, type: string): string {
  if (type === 'float' || type === 'double') return q(name);
  return AS_TEXT.has(type) ? `CAST(${q(name)} AS CHAR)` : `HEX(${q(name)})`;
}

function exactText(value: unknown): string | null {
  if (value === null || value === undefined || typeof value === 'string') return value ?? null;
  assert.equal(typeof value, 'number', 'unexpected value type in the exact read');
  const bits = Buffer.alloc(8);
  bits.writeDoubleBE(value as number);
  return `ieee:${bits.toString('hex')}`;
}

const short = (value: string | null | undefined): string =>
  value === undefined ? 'absent' : value === null ? 'NULL' : value.length > 70 ? `${value.slice(0, 60)}... (${value.length} chars)` : value;

/** Differences between two snapshots, one line each; empty when they hold the same rows and values. */
export function compareSnapshots(table: string, source: Snapshot, target: Snapshot): string[] {
  const lines: string[] = [];
  for (const [key, row] of source) {
    const other = target.get(key);
    if (other === undefined) {
      lines.push(`${table} ${key}: missing on the target`);
      continue;
    }
    for (const [column, value] of Object.entries(row)) {
      if (other[column] !== value) lines.push(`${table} ${key} ${column}: source ${short(value)} / target ${short(other[column])}`);
    }
  }
  for (const key of target.keys()) if (!source.has(key)) lines.push(`${table} ${key}: extra on the target`);
  return lines;
}

/** Differences of every fixture table between two copies, one line each. */
export async function differencesBetween(source: { server: MariaDbServer; database: string }, target: { server: MariaDbServer; database: string }, tables: readonly string[] = TABLES): Promise<string[]> {
  const problems: string[] = [];
  for (const table of tables) {
    const [a, b] = await Promise.all([exactSnapshot(source.server, source.database, table), exactSnapshot(target.server, target.database, table)]);
    assert.ok(a.size > 0, `source ${table} is empty`);
    for (const problem of compareSnapshots(table, a, b)) problems.push(problem);
  }
  return problems;
}
