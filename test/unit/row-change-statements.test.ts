import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeEvent, ChangeKind, RowImage } from '../../src/core/change-event.js';
import { ScscError } from '../../src/core/scsc-error.js';
import type { ColumnSchema, IndexSchema, TableSchema } from '../../src/core/table-schema.js';
import { rowChangeStatements, type StatementLimits } from '../../src/sink/row-change-statements.js';
import { targetTable, type TargetTable } from '../../src/sink/target-table.js';

function column(name: string, columnType: string, rest: Partial<ColumnSchema> = {}): ColumnSchema {
  return {
    name, ordinal: 0, dataType: columnType.replace(/[( ].*$/, ''), columnType, nullable: true, defaultValue: undefined,
    generated: undefined, generationExpression: undefined, autoIncrement: false, unsigned: /unsigned/.test(columnType),
    charset: undefined, collation: undefined, json: false, ...rest,
  };
}

function schema(columns: ColumnSchema[], primaryKey: string[] = ['id'], uniqueKeys: IndexSchema[] = []): TableSchema {
  return {
    database: 'db', name: 't', engine: 'InnoDB', collation: 'utf8mb4_unicode_ci', primaryKey, uniqueKeys, foreignKeys: [],
    columns: columns.map((c, i) => ({ ...c, ordinal: i + 1 })),
  };
}

function target(s: TableSchema): TargetTable {
  const table = targetTable(s);
  assert.ok(table !== undefined, 'the test table has a row identity');
  return table;
}

let index = 0;
function event(kind: ChangeKind, before?: RowImage, after?: RowImage): ChangeEvent {
  index++;
  return {
    kind, db: 'src', table: 't', ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }),
    position: { file: 'binlog.000001', offset: 100, index }, resumeFrom: { file: 'binlog.000001', offset: 100 },
    origin: 1, commitTime: 0, bytes: 100,
  };
}
const insert = (after: RowImage): ChangeEvent => event('insert', undefined, after);
const update = (before: RowImage, after: RowImage): ChangeEvent => event('update', before, after);
const remove = (before: RowImage): ChangeEvent => event('delete', before);
const truncate = (): ChangeEvent => ({ ...event('truncate'), sql: 'TRUNCATE t' });

const MERGE: StatementLimits = { rows: 1000, bytes: 1 << 20, upsertRowAlias: false, keepOrder: false };
const ORDERED: StatementLimits = { ...MERGE, keepOrder: true };

const id = column('id', 'int(11)', { nullable: false });
const people = target(schema([id, column('name', 'varchar(20)', { charset: 'utf8mb4' })]));
const T = '`db`.`t`';
const UPDATE_TAIL = ' ON DUPLICATE KEY UPDATE `id` = VALUES(`id`), `name` = VALUES(`name`)';
const upsert = (...tuples: string[]): string => `INSERT INTO ${T} (\`id\`, \`name\`) VALUES ${tuples.join(', ')}${UPDATE_TAIL}`;
const deleteIn = (...keys: string[]): string => `DELETE FROM ${T} WHERE \`id\` IN (${keys.join(', ')})`;

describe('rowChangeStatements: inserts, deletes, updates', () => {
  it('writes inserts as one multi-row upsert with VALUES(col) (MariaDB form)', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a' }), insert({ id: '2', name: "O'Brien" })], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'a')", "(2, 'O\\'Brien')")]);
  });

  it('writes the MySQL 8.0.19+ row-alias form when upsertRowAlias is set', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a' }), insert({ id: '2', name: 'b' })], { ...MERGE, upsertRowAlias: true });
    assert.deepEqual(sql, [
      `INSERT INTO ${T} (\`id\`, \`name\`) VALUES (1, 'a'), (2, 'b') AS _scsc_new ON DUPLICATE KEY UPDATE \`id\` = _scsc_new.\`id\`, \`name\` = _scsc_new.\`name\``,
    ]);
  });

  it('writes deletes as one DELETE ... WHERE key IN (...)', () => {
    const sql = rowChangeStatements(people, [remove({ id: '3', name: 'c' }), remove({ id: '4', name: 'd' })], MERGE);
    assert.deepEqual(sql, [deleteIn('3', '4')]);
  });

  it('writes an update that keeps the key as an upsert of the after image', () => {
    const sql = rowChangeStatements(people, [update({ id: '1', name: 'old' }, { id: '1', name: 'new' })], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'new')")]);
  });

  it('writes a primary-key change as a delete of the old key, then an upsert of the new row', () => {
    for (const limits of [MERGE, ORDERED]) {
      const sql = rowChangeStatements(people, [update({ id: '1', name: 'a' }, { id: '7', name: 'a' })], limits);
      assert.deepEqual(sql, [deleteIn('1'), upsert("(7, 'a')")], `keepOrder ${limits.keepOrder}`);
    }
  });

  it('returns no statement for no event', () => {
    assert.deepEqual(rowChangeStatements(people, [], MERGE), []);
  });

  it('finds columns of the image whatever their case, and writes the target\'s names', () => {
    const sql = rowChangeStatements(people, [insert({ ID: '1', Name: 'a' }), remove({ Id: '2', NAME: 'b' })], ORDERED);
    assert.deepEqual(sql, [upsert("(1, 'a')"), deleteIn('2')]);
  });

  it('leaves out columns the target does not have', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a', dropped_on_target: 'x' })], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'a')")]);
  });
});

describe('rowChangeStatements: merging by key (keepOrder false)', () => {
  it('keeps only the delete of an insert followed by a delete of the same key', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a' }), remove({ id: '1', name: 'a' })], MERGE);
    assert.deepEqual(sql, [deleteIn('1')]);
  });

  it('writes two updates of one row as one upsert with the last image', () => {
    const sql = rowChangeStatements(people, [
      update({ id: '1', name: 'a' }, { id: '1', name: 'b' }),
      update({ id: '1', name: 'b' }, { id: '1', name: 'c' }),
    ], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'c')")]);
  });

  it('writes an upsert for a delete followed by a re-insert of the same key', () => {
    const sql = rowChangeStatements(people, [remove({ id: '1', name: 'a' }), insert({ id: '1', name: 'b' })], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'b')")]);
  });

  it('puts every delete before the upserts, and upserts in the order of their last change', () => {
    const sql = rowChangeStatements(people, [
      insert({ id: '1', name: 'a' }),
      insert({ id: '2', name: 'b' }),
      remove({ id: '5', name: 'e' }),
      update({ id: '1', name: 'a' }, { id: '1', name: 'a2' }),
      remove({ id: '6', name: 'f' }),
    ], MERGE);
    assert.deepEqual(sql, [deleteIn('5', '6'), upsert("(2, 'b')", "(1, 'a2')")]);
  });

  it('resolves a key moved away and back to its final state', () => {
    const sql = rowChangeStatements(people, [
      update({ id: '1', name: 'a' }, { id: '2', name: 'a' }),
      update({ id: '2', name: 'a' }, { id: '1', name: 'z' }),
    ], MERGE);
    assert.deepEqual(sql, [deleteIn('2'), upsert("(1, 'z')")]);
  });
});

describe('rowChangeStatements: source order (keepOrder true)', () => {
  it('keeps every write in source order, grouped into runs of one kind', () => {
    const sql = rowChangeStatements(people, [
      insert({ id: '1', name: 'a' }),
      insert({ id: '2', name: 'b' }),
      remove({ id: '1', name: 'a' }),
      remove({ id: '3', name: 'c' }),
      insert({ id: '3', name: 'c2' }),
    ], ORDERED);
    assert.deepEqual(sql, [upsert("(1, 'a')", "(2, 'b')"), deleteIn('1', '3'), upsert("(3, 'c2')")]);
  });

  it('does not merge an insert and a delete of the same key', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a' }), remove({ id: '1', name: 'a' })], ORDERED);
    assert.deepEqual(sql, [upsert("(1, 'a')"), deleteIn('1')]);
  });

  it('writes two updates of one row in order (the last tuple wins on the server)', () => {
    const sql = rowChangeStatements(people, [
      update({ id: '1', name: 'a' }, { id: '1', name: 'b' }),
      update({ id: '1', name: 'b' }, { id: '1', name: 'c' }),
    ], ORDERED);
    assert.deepEqual(sql, [upsert("(1, 'b')", "(1, 'c')")]);
  });
});

describe('rowChangeStatements: TRUNCATE', () => {
  it('becomes DELETE FROM the table, between the writes before and after it', () => {
    for (const limits of [MERGE, ORDERED]) {
      const sql = rowChangeStatements(people, [
        insert({ id: '1', name: 'a' }),
        truncate(),
        insert({ id: '2', name: 'b' }),
      ], limits);
      assert.deepEqual(sql, [upsert("(1, 'a')"), `DELETE FROM ${T}`, upsert("(2, 'b')")], `keepOrder ${limits.keepOrder}`);
    }
  });

  it('never merges writes across it', () => {
    const sql = rowChangeStatements(people, [
      insert({ id: '1', name: 'a' }),
      truncate(),
      remove({ id: '1', name: 'a' }),
    ], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'a')"), `DELETE FROM ${T}`, deleteIn('1')]);
  });
});

describe('rowChangeStatements: generated columns', () => {
  it('never writes stored or virtual generated columns', () => {
    const table = target(schema([
      id,
      column('price', 'decimal(10,2)'),
      column('qty', 'int(11)'),
      column('total', 'decimal(20,2)', { generated: 'stored', generationExpression: 'price * qty' }),
      column('label', 'varchar(30)', { generated: 'virtual', generationExpression: "concat('#', id)" }),
    ]));
    assert.deepEqual([...table.writable.keys()], ['id', 'price', 'qty']);
    const sql = rowChangeStatements(table, [insert({ id: '1', price: '2.50', qty: '3', total: '7.50', label: '#1' })], MERGE);
    assert.deepEqual(sql, [
      `INSERT INTO ${T} (\`id\`, \`price\`, \`qty\`) VALUES (1, 2.50, 3) ON DUPLICATE KEY UPDATE \`id\` = VALUES(\`id\`), \`price\` = VALUES(\`price\`), \`qty\` = VALUES(\`qty\`)`,
    ]);
    assert.doesNotMatch(sql.join('\n'), /total|label/);
  });
});

describe('rowChangeStatements: limits', () => {
  const rows = (n: number): ChangeEvent[] => Array.from({ length: n }, (_, i) => insert({ id: String(10 + i), name: 'aaaa' }));

  it('splits upserts at the row limit', () => {
    const sql = rowChangeStatements(people, rows(5), { ...MERGE, rows: 2 });
    assert.deepEqual(sql, [
      upsert("(10, 'aaaa')", "(11, 'aaaa')"),
      upsert("(12, 'aaaa')", "(13, 'aaaa')"),
      upsert("(14, 'aaaa')"),
    ]);
  });

  it('splits upserts at the byte limit, keeping every statement within it', () => {
    const two = upsert("(10, 'aaaa')", "(11, 'aaaa')");
    const bytes = two.length + 8; // room for two tuples, not three (each is 12 characters)
    const sql = rowChangeStatements(people, rows(5), { ...MERGE, bytes });
    assert.deepEqual(sql, [two, upsert("(12, 'aaaa')", "(13, 'aaaa')"), upsert("(14, 'aaaa')")]);
    for (const statement of sql) assert.ok(statement.length <= bytes);
  });

  it('still writes a single row larger than the byte limit', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'x'.repeat(500) })], { ...MERGE, bytes: 100 });
    assert.equal(sql.length, 1);
    assert.match(sql[0] ?? '', /x{500}/);
  });

  it('splits deletes at the row limit, and at 1000 keys at most', () => {
    const deletes = (n: number): ChangeEvent[] => Array.from({ length: n }, (_, i) => remove({ id: String(i + 1), name: 'x' }));
    assert.deepEqual(rowChangeStatements(people, deletes(5), { ...MERGE, rows: 2 }), [deleteIn('1', '2'), deleteIn('3', '4'), deleteIn('5')]);
    const sql = rowChangeStatements(people, deletes(1001), { ...MERGE, rows: 5000 });
    assert.equal(sql.length, 2);
    assert.equal(sql[1], deleteIn('1001'));
  });

  it('keeps DELETE statements within the byte limit', () => {
    const keyed = target(schema([column('k', 'varchar(200)', { nullable: false, charset: 'utf8mb4' })], ['k']));
    const events = Array.from({ length: 10 }, (_, i) => remove({ k: `${i}`.padEnd(200, 'k') }));
    const sql = rowChangeStatements(keyed, events, { ...MERGE, bytes: 1000 });
    for (const statement of sql) assert.ok(statement.length <= 1000, `DELETE of ${statement.length} characters`);
  });

  it('fills each statement up to the byte limit, not to a bound of it', () => {
    const events = Array.from({ length: 400 }, (_, i) => insert({ id: String(1000 + i), name: 'b'.repeat(20) }));
    const limit = 4000;
    const sql = rowChangeStatements(people, events, { ...MERGE, bytes: limit });
    const tuple = "(1000, 'bbbbbbbbbbbbbbbbbbbb')".length + 2;
    for (const statement of sql.slice(0, -1)) {
      assert.ok(statement.length <= limit, `statement of ${statement.length} bytes`);
      assert.ok(statement.length > limit - tuple, `statement of ${statement.length} bytes leaves room for another row`);
    }
    assert.equal(sql.join('').match(/\(\d+, 'b+'\)/g)?.length, 400, 'every row written once');
  });

  it('measures the byte limit in bytes of the UTF-8 statement', () => {
    const events = Array.from({ length: 6 }, (_, i) => insert({ id: String(i), name: '€'.repeat(20) }));
    const limit = 300;
    const sql = rowChangeStatements(people, events, { ...MERGE, bytes: limit });
    for (const statement of sql) assert.ok(Buffer.byteLength(statement, 'utf8') <= limit, `statement of ${Buffer.byteLength(statement, 'utf8')} bytes`);
  });
});

describe('rowChangeStatements: keys and values', () => {
  const pair = target(schema([column('a', 'int(11)', { nullable: false }), column('b', 'varchar(10)', { nullable: false }), column('v', 'int(11)')], ['a', 'b']));

  it('uses composite keys as tuples in DELETE ... IN, and upserts every column', () => {
    const sql = rowChangeStatements(pair, [remove({ a: '1', b: 'x', v: '0' }), remove({ a: '2', b: 'y', v: '0' }), insert({ a: '3', b: 'z', v: '9' })], MERGE);
    assert.deepEqual(sql, [
      `DELETE FROM ${T} WHERE (\`a\`, \`b\`) IN ((1, 'x'), (2, 'y'))`,
      `INSERT INTO ${T} (\`a\`, \`b\`, \`v\`) VALUES (3, 'z', 9) ON DUPLICATE KEY UPDATE \`a\` = VALUES(\`a\`), \`b\` = VALUES(\`b\`), \`v\` = VALUES(\`v\`)`,
    ]);
  });

  it('treats a change of one column of a composite key as a key change', () => {
    const sql = rowChangeStatements(pair, [update({ a: '1', b: 'x', v: '0' }, { a: '1', b: 'w', v: '0' })], MERGE);
    assert.equal(sql.length, 2);
    assert.equal(sql[0], `DELETE FROM ${T} WHERE (\`a\`, \`b\`) IN ((1, 'x'))`);
    assert.match(sql[1] ?? '', /^INSERT INTO `db`\.`t` \(`a`, `b`, `v`\) VALUES \(1, 'w', 0\) ON DUPLICATE KEY UPDATE /);
  });

  it('merges by the whole composite key, not by its first column', () => {
    const sql = rowChangeStatements(pair, [insert({ a: '1', b: 'x', v: '1' }), insert({ a: '1', b: 'y', v: '2' })], MERGE);
    assert.equal(sql.length, 1);
    assert.match(sql[0] ?? '', /VALUES \(1, 'x', 1\), \(1, 'y', 2\) ON/);
  });

  it('addresses rows by a NOT NULL unique key when there is no primary key', () => {
    const table = target(schema([column('code', 'char(3)', { nullable: false }), column('v', 'int(11)')], [], [{ name: 'uk_code', columns: ['code'], unique: true }]));
    assert.equal(table.otherUniqueKeys, false);
    assert.deepEqual(rowChangeStatements(table, [remove({ code: 'abc', v: '1' })], MERGE), [`DELETE FROM ${T} WHERE \`code\` IN ('abc')`]);
  });

  it('writes NULL, binary values as hex literals and an empty binary value as an empty string', () => {
    const table = target(schema([id, column('note', 'varchar(10)'), column('data', 'blob'), column('raw', 'varbinary(4)')]));
    const sql = rowChangeStatements(table, [insert({ id: '1', note: null, data: Buffer.from([0x00, 0xff, 0x27]), raw: Buffer.alloc(0) })], MERGE);
    assert.match(sql[0] ?? '', /VALUES \(1, NULL, X'00ff27', ''\) ON DUPLICATE/);
  });

  it('writes a binary key as a hex literal in DELETE', () => {
    const table = target(schema([column('uuid', 'binary(16)', { nullable: false }), column('v', 'int(11)')], ['uuid']));
    const sql = rowChangeStatements(table, [remove({ uuid: Buffer.from('0102', 'hex'), v: '1' })], MERGE);
    assert.deepEqual(sql, [`DELETE FROM ${T} WHERE \`uuid\` IN (X'0102')`]);
  });

  it('keeps binary keys that differ only in bytes apart when merging', () => {
    const table = target(schema([column('uuid', 'binary(2)', { nullable: false }), column('v', 'int(11)')], ['uuid']));
    const sql = rowChangeStatements(table, [insert({ uuid: Buffer.from('0102', 'hex'), v: '1' }), remove({ uuid: Buffer.from('0103', 'hex'), v: '1' })], MERGE);
    assert.equal(sql.length, 2);
    assert.equal(sql[0], `DELETE FROM ${T} WHERE \`uuid\` IN (X'0103')`);
    assert.match(sql[1] ?? '', /VALUES \(X'0102', 1\)/);
  });

  it('writes BIT values as numbers, YEAR unquoted (0 is year 0000) and FLOAT/DOUBLE with an exponent', () => {
    const table = target(schema([id, column('flags', 'bit(8)'), column('y', 'year(4)'), column('f', 'float'), column('d', 'double'), column('big', 'bigint(20) unsigned')]));
    const sql = rowChangeStatements(table, [
      insert({ id: '1', flags: Buffer.from([5]), y: '0', f: '1.5', d: '-2.5e-3', big: '18446744073709551615' }),
      insert({ id: '2', flags: Buffer.from([0]), y: '2024', f: '3', d: '0.1', big: '0' }),
    ], MERGE);
    assert.match(sql[0] ?? '', /VALUES \(1, 5, 0, 1\.5e0, -2\.5e-3, 18446744073709551615\), \(2, 0, 2024, 3e0, 0\.1e0, 0\) ON DUPLICATE/);
    assert.doesNotMatch(sql[0] ?? '', /'0'/);
  });

  it('refuses a number column value that is not a number rather than writing it', () => {
    assert.throws(() => rowChangeStatements(people, [insert({ id: '1; DROP TABLE t', name: 'a' })], MERGE), (error: unknown) => error instanceof ScscError && error.code === 'APPLY_FAILED' && /not a number/.test(error.message));
  });

  it('starts a new upsert when the set of columns in the images changes', () => {
    const sql = rowChangeStatements(people, [insert({ id: '1', name: 'a' }), insert({ id: '2' })], MERGE);
    assert.deepEqual(sql, [upsert("(1, 'a')"), `INSERT INTO ${T} (\`id\`) VALUES (2) ON DUPLICATE KEY UPDATE \`id\` = VALUES(\`id\`)`]);
  });
});

describe('rowChangeStatements for a table whose FKs cascade', () => {
  const CASCADES: StatementLimits = { ...ORDERED, cascades: true, sessionFkChecks: false };
  const on = 'SET SESSION foreign_key_checks = 1';
  const off = 'SET SESSION foreign_key_checks = 0';

  it('deletes with FK checks on and restores the session value after', () => {
    const sql = rowChangeStatements(people, [remove({ id: '1', name: 'a' }), insert({ id: '2', name: 'b' })], CASCADES);
    assert.deepEqual(sql, [on, `DELETE FROM ${T} WHERE \`id\` IN (1)`, off, upsert("(2, 'b')")]);
  });

  it('changes a key with an UPDATE (ON UPDATE rules) before writing the new row', () => {
    const sql = rowChangeStatements(people, [update({ id: '1', name: 'a' }, { id: '5', name: 'b' })], CASCADES);
    assert.deepEqual(sql, [on, `UPDATE ${T} SET \`id\` = 5 WHERE \`id\` IN (1)`, off, upsert("(5, 'b')")]);
  });

  it('sets a referenced non-key column with an UPDATE (ON UPDATE rules) when it changes, and only then', () => {
    const referenced: StatementLimits = { ...CASCADES, cascadeColumns: ['name', 'id'] };
    const changed = rowChangeStatements(people, [update({ id: '1', name: 'a' }, { id: '1', name: 'b' })], referenced);
    assert.deepEqual(changed, [on, `UPDATE ${T} SET \`name\` = 'b' WHERE \`id\` IN (1)`, off, upsert("(1, 'b')")]);
    const same = rowChangeStatements(people, [update({ id: '1', name: 'a' }, { id: '1', name: 'a' })], referenced);
    assert.deepEqual(same, [upsert("(1, 'a')")]);
    const minimal = rowChangeStatements(people, [update({ id: '1' }, { id: '1', name: 'c' })], referenced);
    assert.deepEqual(minimal, [on, `UPDATE ${T} SET \`name\` = 'c' WHERE \`id\` IN (1)`, off, upsert("(1, 'c')")]);
    const quiet = { ...update({ id: '1', name: 'a' }, { id: '1', name: 'b' }), fkChecksOff: true as const };
    assert.deepEqual(rowChangeStatements(people, [quiet], referenced), [upsert("(1, 'b')")]);
  });

  it('keeps a delete and re-insert of one key as two writes', () => {
    const sql = rowChangeStatements(people, [remove({ id: '1', name: 'a' }), insert({ id: '1', name: 'b' })], CASCADES);
    assert.deepEqual(sql, [on, `DELETE FROM ${T} WHERE \`id\` IN (1)`, off, upsert("(1, 'b')")]);
  });

  it('leaves FK checks off where the source ran with them off', () => {
    const quiet = { ...remove({ id: '1', name: 'a' }), fkChecksOff: true as const };
    assert.deepEqual(rowChangeStatements(people, [quiet], CASCADES), [`DELETE FROM ${T} WHERE \`id\` IN (1)`]);
  });

  it('empties a table for a TRUNCATE with FK checks off (children of a truncated parent stay, as on the source)', () => {
    const truncate = event('truncate');
    assert.deepEqual(rowChangeStatements(people, [truncate], { ...ORDERED, sessionFkChecks: true }), [off, `DELETE FROM ${T}`, on]);
    assert.deepEqual(rowChangeStatements(people, [truncate], CASCADES), [`DELETE FROM ${T}`]);
  });

  it('under --keep-fk-checks turns them off only for a change the source made without them', () => {
    const keep: StatementLimits = { ...ORDERED, sessionFkChecks: true };
    const quiet = { ...remove({ id: '1', name: 'a' }), fkChecksOff: true as const };
    assert.deepEqual(rowChangeStatements(people, [quiet, remove({ id: '2', name: 'b' })], keep), [
      off, `DELETE FROM ${T} WHERE \`id\` IN (1)`, on, `DELETE FROM ${T} WHERE \`id\` IN (2)`,
    ]);
  });
});

describe('targetTable', () => {
  it('is undefined for a table without primary key or NOT NULL unique key', () => {
    assert.equal(targetTable(schema([column('a', 'int(11)')], [], [{ name: 'u', columns: ['a'], unique: true }])), undefined);
  });

  it('reports other unique keys besides the primary key (order must then be kept)', () => {
    assert.equal(people.otherUniqueKeys, false);
    const table = target(schema([id, column('email', 'varchar(50)', { nullable: false })], ['id'], [{ name: 'uk_email', columns: ['email'], unique: true }]));
    assert.equal(table.otherUniqueKeys, true);
    assert.deepEqual(table.keyColumns.map((c) => c.name), ['id']);
    assert.equal(table.from, T);
  });
});
