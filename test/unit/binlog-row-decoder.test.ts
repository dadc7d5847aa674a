import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enumValues, negativeTime, patchTableEntry, tableAsLogged, toRowImage } from '../../src/source/binlog-row-decoder.js';
import { textBytesCharset } from '../../src/core/row-value.js';
import { sqlLiteral } from '../../src/mysql/sql-literal.js';
import type { ColumnSchema, TableSchema } from '../../src/core/table-schema.js';

const column = (name: string, dataType: string, columnType: string, charset?: string): ColumnSchema => ({
  name, ordinal: 1, dataType, columnType, nullable: true, defaultValue: undefined, generated: undefined, generationExpression: undefined,
  autoIncrement: false, unsigned: false, charset, collation: undefined, json: false,
});
const table = (columns: ColumnSchema[]): TableSchema => ({ database: 'd', name: 't', engine: 'InnoDB', collation: undefined, columns, primaryKey: ['id'], uniqueKeys: [], foreignKeys: [] });

describe('binlog row decoding fixes', () => {
  it('recovers negative TIME values zongji mis-decodes (no or zero fraction)', () => {
    assert.equal(negativeTime('-99:63:64'), '-100:00:00');
    assert.equal(negativeTime('-00:00:01'), '-00:00:01');
    assert.equal(negativeTime('-838:59:59.000000'), '-838:59:59.000000');
    assert.equal(negativeTime('-25:29:64'), '-25:30:00');
    assert.equal(negativeTime('-00:00:00.000001'), '-00:00:00.000001', 'a non-zero fraction is decoded right already');
  });

  it('reads ENUM/SET value lists with commas and doubled quotes', () => {
    assert.deepEqual(enumValues("enum('plain','with,comma','it''s','say \"hi\"')"), ['plain', 'with,comma', "it's", 'say "hi"']);
    assert.deepEqual(enumValues("set('x','a,b''c')"), ['x', "a,b'c"]);
  });

  it('turns YEAR 1900 into 0, numbers into exact text and latin1 text into its bytes', () => {
    const schema = table([column('id', 'int', 'int(11)'), column('y', 'year', 'year(4)'), column('f', 'float', 'float'), column('l', 'varchar', 'varchar(9)', 'latin1')]);
    const image = toRowImage({ id: 1, y: 1900, f: 0.10000000149011612, l: 'caf\u00e9' }, schema);
    assert.deepEqual(image, { id: '1', y: '0', f: '0.10000000149011612', l: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
    // Written with its character set named, so a target column in another one gets the same characters.
    assert.equal(textBytesCharset(image.l as Buffer), 'latin1');
    assert.equal(sqlLiteral(column('l', 'varchar', 'varchar(9)', 'utf8mb4'), image.l ?? null), "_latin1 X'636166e9'");
    assert.equal(sqlLiteral(column('b', 'varbinary', 'varbinary(9)'), Buffer.from([0xe9])), "X'e9'", 'binary data is not text');
  });

  it('reads rows logged before a character set change in the one the binlog names', () => {
    const today = table([column('id', 'int', 'int(11)'), column('s', 'varchar', 'varchar(9)', 'utf8mb4'), column('u', 'varchar', 'varchar(9)', 'utf8mb3')]);
    const entry: Parameters<typeof tableAsLogged>[0] = {
      columnSchemas: [{ COLUMN_NAME: 'id', COLUMN_TYPE: 'int' }, { COLUMN_NAME: 'S', COLUMN_TYPE: 'varchar(9)' }, { COLUMN_NAME: 'u', COLUMN_TYPE: 'varchar(9)' }],
    };
    // The source's own list: 8 latin1_swedish_ci, 1032 latin1_swedish_nopad_ci (MariaDB; zongji's list says utf8mb4), 45 utf8mb4, 33 utf8mb3, 63 binary.
    const collations = new Map([[8, 'latin1'], [1032, 'latin1'], [45, 'utf8mb4'], [33, 'utf8mb3'], [63, 'binary']]);
    assert.equal(tableAsLogged(entry, today, [undefined, 45, 45], collations), today, 'utf8 family both: today\'s definition');
    assert.equal(tableAsLogged(entry, today, undefined, collations), today, 'no charsets in the binlog: today\'s definition');
    assert.equal(tableAsLogged(entry, today, [undefined, 2222, 45], collations), today, 'an id the source does not list: today\'s definition');
    assert.equal(tableAsLogged(entry, today, [undefined, 63, 45], collations), today, 'binary: today\'s definition');
    const logged = tableAsLogged(entry, today, [undefined, 1032, 33], collations);
    assert.deepEqual(logged?.columns.map((c) => c.charset), [undefined, 'latin1', 'utf8mb3']);
    assert.equal(tableAsLogged(entry, today, [undefined, 8, 45], collations), logged, 'one object per table and difference');
    assert.deepEqual(toRowImage({ id: 1, S: 'caf\u00e9', u: 'x' }, logged), { id: '1', S: Buffer.from([0x63, 0x61, 0x66, 0xe9]), u: 'x' });
    const withGeometry = table([...today.columns, column('g', 'geometry', 'geometry')]);
    assert.equal(tableAsLogged(entry, withGeometry, [undefined, 8, 45], collations), withGeometry, 'GEOMETRY: today\'s definition');
  });

  it('moves TIMESTAMPs zongji read as signed (MariaDB 11.5+, past 2038-01-19 03:14:07) forward by 2^32 seconds', () => {
    const schema = table([column('ts', 'timestamp', 'timestamp(6)'), column('dt', 'datetime', 'datetime')]);
    // What zongji shows for the stored seconds 2^31, 2^32 - 1 (with a fraction) and 2^31 + 86400.
    assert.deepEqual(toRowImage({ ts: '1901-12-13 20:45:52', dt: '1901-12-13 20:45:52' }, schema), { ts: '2038-01-19 03:14:08', dt: '1901-12-13 20:45:52' });
    assert.deepEqual(toRowImage({ ts: '1969-12-31 23:59:59.500000', dt: null }, schema), { ts: '2106-02-07 06:28:15.500000', dt: null });
    assert.deepEqual(toRowImage({ ts: '1901-12-14 20:45:52', dt: null }, schema), { ts: '2038-01-20 03:14:08', dt: null });
    for (const kept of ['0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '1970-01-01 00:00:01', '2038-01-19 03:14:07.999999']) {
      assert.equal(toRowImage({ ts: kept, dt: null }, schema).ts, kept);
    }
  });

  it('patches zongji’s table entry: GEOMETRY read as bytes, charsets, declared types and ENUM lists from the server', () => {
    const entry = {
      columns: [{ name: 'g', charset: null, type: 255 }, { name: 'l', charset: 'utf8mb4', type: 15 }, { name: 'u', charset: 'binary', type: 254 }, { name: 'e', charset: 'latin1', type: 254 }],
      columnSchemas: [{ COLUMN_NAME: 'g', COLUMN_TYPE: 'geometry' }, { COLUMN_NAME: 'l', COLUMN_TYPE: 'varchar(9)' }, { COLUMN_NAME: 'u', COLUMN_TYPE: 'binary(16)' }, { COLUMN_NAME: 'e', COLUMN_TYPE: 'enum' }] as Array<{ COLUMN_NAME: string; COLUMN_TYPE: string; ENUM_VALUES?: string[] }>,
    };
    patchTableEntry(entry, table([column('g', 'geometry', 'geometry'), column('l', 'varchar', 'varchar(9)', 'latin1'), column('u', 'uuid', 'uuid'), column('e', 'enum', "enum('a,b','c')", 'utf8mb4')]));
    assert.deepEqual(entry.columns.map((c) => [c.type, c.charset]), [[252, null], [15, 'binary'], [254, 'utf8mb4'], [254, 'utf8mb4']]);
    assert.equal(entry.columnSchemas[2]?.COLUMN_TYPE, 'uuid');
    assert.deepEqual(entry.columnSchemas[3]?.ENUM_VALUES, ['a,b', 'c']);
  });
});
