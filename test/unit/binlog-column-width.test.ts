import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnClass } from '../../src/core/column-class.js';
import type { ColumnSchema } from '../../src/core/table-schema.js';
import { columnReader, columnWidth, type Cursor } from '../../src/source/binlog-column-reader.js';
import type { ColumnRule, ZongjiColumn, ZongjiColumnSchema } from '../../src/source/binlog-row-decoder.js';

const T = { TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, LONGLONG: 8, INT24: 9, DATE: 10, YEAR: 13, VARCHAR: 15, BIT: 16, TIMESTAMP2: 17, DATETIME2: 18, TIME2: 19, NEWDECIMAL: 246, ENUM: 247, SET: 248, BLOB: 252, STRING: 254 };

interface Layout {
  label: string;
  type: number;
  columnType: string;
  kind: ColumnClass;
  metadata?: ZongjiColumn['metadata'];
  charset?: string | null;
  values?: { ENUM_VALUES?: string[]; SET_VALUES?: string[] };
  /** The value's bytes as a row image holds them (before the next column's). */
  bytes: Buffer;
}

const prefixed = (prefixBytes: number, data: Buffer): Buffer => {
  const prefix = Buffer.alloc(prefixBytes);
  prefix.writeUIntLE(data.length, 0, prefixBytes);
  return Buffer.concat([prefix, data]);
};
const filled = (n: number, byte = 0x81): Buffer => Buffer.alloc(n, byte);

function layouts(): Layout[] {
  const list: Layout[] = [
    { label: 'TINYINT', type: T.TINY, columnType: 'tinyint(4)', kind: 'integer', bytes: filled(1) },
    { label: 'SMALLINT', type: T.SHORT, columnType: 'smallint(6)', kind: 'integer', bytes: filled(2) },
    { label: 'MEDIUMINT', type: T.INT24, columnType: 'mediumint(9)', kind: 'integer', bytes: filled(3) },
    { label: 'INT', type: T.LONG, columnType: 'int(11)', kind: 'integer', bytes: filled(4) },
    { label: 'BIGINT UNSIGNED', type: T.LONGLONG, columnType: 'bigint(20) unsigned', kind: 'integer', bytes: filled(8, 0xff) },
    { label: 'FLOAT', type: T.FLOAT, columnType: 'float', kind: 'float', bytes: filled(4, 0x3f) },
    { label: 'DOUBLE', type: T.DOUBLE, columnType: 'double', kind: 'double', bytes: filled(8, 0x3f) },
    { label: 'YEAR', type: T.YEAR, columnType: 'year(4)', kind: 'year', bytes: filled(1, 0x7b) },
    { label: 'DATE', type: T.DATE, columnType: 'date', kind: 'temporal', bytes: Buffer.from([0x21, 0xc7, 0x0f]) },
  ];
  for (const [precision, scale] of [[1, 0], [10, 2], [12, 2], [18, 9], [19, 0], [38, 10], [65, 30], [65, 0], [30, 30]] as const) {
    const size = Math.floor((precision - scale) / 9) * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4, 4][(precision - scale) % 9]! + Math.floor(scale / 9) * 4 + [0, 1, 1, 2, 2, 3, 3, 4, 4, 4][scale % 9]!;
    list.push({ label: `DECIMAL(${precision},${scale})`, type: T.NEWDECIMAL, columnType: `decimal(${precision},${scale})`, kind: 'decimal', metadata: { precision, decimals: scale }, bytes: filled(size, 0x80) });
  }
  for (let decimals = 0; decimals <= 6; decimals++) {
    const fraction = (decimals + 1) >> 1;
    list.push(
      { label: `DATETIME(${decimals})`, type: T.DATETIME2, columnType: `datetime(${decimals})`, kind: 'temporal', metadata: { decimals }, bytes: Buffer.concat([Buffer.from([0x99, 0xb2, 0x2e, 0x12, 0x34]), filled(fraction, 0x01)]) },
      { label: `TIMESTAMP(${decimals})`, type: T.TIMESTAMP2, columnType: `timestamp(${decimals})`, kind: 'temporal', metadata: { decimals }, bytes: Buffer.concat([Buffer.from([0x5f, 0x00, 0x00, 0x01]), filled(fraction, 0x01)]) },
      { label: `TIME(${decimals})`, type: T.TIME2, columnType: `time(${decimals})`, kind: 'temporal', metadata: { decimals }, bytes: Buffer.concat([Buffer.from([0x80, 0x10, 0x01]), filled(fraction, 0x01)]) },
    );
  }
  for (const bits of [1, 7, 8, 9, 33, 64]) {
    list.push({ label: `BIT(${bits})`, type: T.BIT, columnType: `bit(${bits})`, kind: 'bit', metadata: { bits }, bytes: filled((bits + 7) >> 3, 0x01) });
  }
  const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
  list.push(
    { label: 'ENUM, 1 byte', type: T.ENUM, columnType: "enum('a','b')", kind: 'text', metadata: { size: 1 }, values: { ENUM_VALUES: ['a', 'b'] }, bytes: Buffer.from([2]) },
    { label: 'ENUM, 2 bytes', type: T.ENUM, columnType: 'enum(...)', kind: 'text', metadata: { size: 2 }, values: { ENUM_VALUES: members }, bytes: Buffer.from([0x2c, 0x01]) },
  );
  for (const size of [1, 2, 3, 4, 8]) {
    list.push({ label: `SET, ${size} bytes`, type: T.SET, columnType: 'set(...)', kind: 'text', metadata: { size }, values: { SET_VALUES: members.slice(0, size * 8) }, bytes: filled(size, 0x05) });
  }
  for (const maxLength of [40, 255, 256, 1020]) {
    const prefix = maxLength > 255 ? 2 : 1;
    list.push(
      { label: `VARCHAR, max ${maxLength} bytes`, type: T.VARCHAR, columnType: `varchar(${maxLength >> 2})`, kind: 'text', charset: 'utf8mb4', metadata: { max_length: maxLength }, bytes: prefixed(prefix, Buffer.from('héllo')) },
      { label: `VARBINARY(${maxLength})`, type: T.VARCHAR, columnType: `varbinary(${maxLength})`, kind: 'binary', charset: null, metadata: { max_length: maxLength }, bytes: prefixed(prefix, Buffer.from([0, 1, 0])) },
      { label: `CHAR, max ${maxLength} bytes`, type: T.STRING, columnType: `char(${maxLength >> 2})`, kind: 'text', charset: 'utf8mb4', metadata: { max_length: maxLength }, bytes: prefixed(prefix, Buffer.from('ab')) },
      { label: `BINARY(${Math.min(maxLength, 255)})`, type: T.STRING, columnType: `binary(${Math.min(maxLength, 255)})`, kind: 'binary', charset: null, metadata: { max_length: maxLength }, bytes: prefixed(prefix, Buffer.from([7, 0, 7])) },
    );
  }
  list.push(
    { label: 'UUID', type: T.STRING, columnType: 'uuid', kind: 'text', charset: null, metadata: { max_length: 16 }, bytes: prefixed(1, filled(16, 0x11)) },
    { label: 'INET4', type: T.STRING, columnType: 'inet4', kind: 'text', charset: null, metadata: { max_length: 4 }, bytes: prefixed(1, filled(4, 0x0a)) },
    { label: 'INET6', type: T.STRING, columnType: 'inet6', kind: 'text', charset: null, metadata: { max_length: 16 }, bytes: prefixed(1, filled(16, 0x20)) },
  );
  for (const lengthSize of [1, 2, 3, 4]) {
    list.push(
      { label: `TEXT, ${lengthSize}-byte length`, type: T.BLOB, columnType: 'text', kind: 'text', charset: 'utf8mb4', metadata: { length_size: lengthSize }, bytes: prefixed(lengthSize, Buffer.from('a longer text value')) },
      { label: `BLOB, ${lengthSize}-byte length`, type: T.BLOB, columnType: 'blob', kind: 'binary', charset: null, metadata: { length_size: lengthSize }, bytes: prefixed(lengthSize, Buffer.from([0, 0xff, 0])) },
    );
  }
  return list;
}

function schemaColumn(layout: Layout): ColumnSchema {
  return {
    name: 'c', ordinal: 1, dataType: layout.columnType.split('(')[0] ?? '', columnType: layout.columnType, nullable: true, defaultValue: undefined,
    generated: undefined, generationExpression: undefined, autoIncrement: false, unsigned: layout.columnType.includes('unsigned'),
    charset: layout.charset ?? undefined, collation: undefined, json: false,
  };
}

describe('binlog column widths', () => {
  it('step over exactly the bytes the reader of each column layout consumes', () => {
    let checked = 0;
    for (const layout of layouts()) {
      const column: ZongjiColumn = { name: 'c', charset: layout.charset === undefined ? 'utf8mb4' : layout.charset, type: layout.type, ...(layout.metadata === undefined ? {} : { metadata: layout.metadata }) };
      const schema: ZongjiColumnSchema = { COLUMN_NAME: 'c', COLUMN_TYPE: layout.columnType, ...layout.values };
      const rule: ColumnRule = { column: schemaColumn(layout), kind: layout.kind, keepsBytes: false, time: layout.kind === 'temporal', year: layout.kind === 'year', timestamp: false };
      const read = columnReader(column, schema, rule);
      const width = columnWidth(column);
      assert.ok(read !== undefined, `${layout.label}: scsc reads it`);
      assert.ok(width !== undefined, `${layout.label}: has a width`);
      // Three values back to back, then bytes no column may reach.
      const buf = Buffer.concat([layout.bytes, layout.bytes, layout.bytes, filled(16, 0xee)]);
      const reading: Cursor = { buf, at: 0 };
      const stepping: Cursor = { buf, at: 0 };
      for (let i = 0; i < 3; i++) {
        read(reading);
        if (typeof width === 'number') stepping.at += width;
        else width(stepping);
        assert.equal(stepping.at, reading.at, `${layout.label}: value ${i + 1} ends at the same byte`);
        assert.equal(reading.at, (i + 1) * layout.bytes.length, `${layout.label}: value ${i + 1} is ${layout.bytes.length} bytes`);
      }
      checked++;
    }
    assert.ok(checked >= 60, `${checked} layouts`);
  });
});
