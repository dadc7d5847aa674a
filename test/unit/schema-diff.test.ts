import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffColumns, diffSchemas } from '../../src/core/schema-diff.js';
import type { ColumnSchema, TableSchema } from '../../src/core/table-schema.js';

function column(name: string, columnType: string, rest: Partial<ColumnSchema> = {}): ColumnSchema {
  return {
    name, ordinal: 0, dataType: columnType.replace(/[( ].*$/, ''), columnType, nullable: true, defaultValue: undefined,
    generated: undefined, generationExpression: undefined, autoIncrement: false, unsigned: /unsigned/.test(columnType),
    charset: undefined, collation: undefined, json: columnType === 'json', ...rest,
  };
}

function table(name: string, columns: ColumnSchema[], primaryKey: string[] = ['id']): TableSchema {
  return {
    database: 'db', name, engine: 'InnoDB', collation: 'utf8mb4_unicode_ci', primaryKey, uniqueKeys: [], foreignKeys: [],
    columns: columns.map((c, i) => ({ ...c, ordinal: i + 1 })),
  };
}

const id = column('id', 'int(11)', { nullable: false });
const idMysql = column('id', 'int', { nullable: false });
const utf8mb4 = { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' };
/** How MariaDB reports a JSON column: LONGTEXT utf8mb4_bin with a json_valid check. */
const mariaDbJson = { charset: 'utf8mb4', collation: 'utf8mb4_bin', json: true };

describe('diffColumns', () => {
  it('finds nothing between identical tables', () => {
    const t = table('t', [id, column('name', 'varchar(50)', utf8mb4), column('doc', 'json')]);
    assert.deepEqual(diffColumns(t, structuredClone(t)), []);
  });

  it('reports columns missing on the target and extra on the target, with their types', () => {
    const source = table('t', [id, column('note', 'varchar(20)', utf8mb4), column('qty', 'int(11)')]);
    const target = table('t', [id, column('qty', 'int(11)'), column('required_here', 'int(11)', { nullable: false })]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'note', kind: 'missing-on-target', source: 'varchar(20)' },
      { column: 'required_here', kind: 'extra-on-target', target: 'int(11)' },
    ]);
  });

  it('reports a type difference with both declared types', () => {
    const source = table('t', [id, column('qty', 'int(11)'), column('price', 'decimal(10,2)'), column('v', 'varchar(20)', utf8mb4)]);
    const target = table('t', [id, column('qty', 'bigint(20)'), column('price', 'decimal(12,2)'), column('v', 'varchar(10)', utf8mb4)]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'qty', kind: 'type', source: 'int(11)', target: 'bigint(20)' },
      { column: 'price', kind: 'type', source: 'decimal(10,2)', target: 'decimal(12,2)' },
      { column: 'v', kind: 'type', source: 'varchar(20)', target: 'varchar(10)' },
    ]);
  });

  it('treats signedness as a type difference', () => {
    const source = table('t', [id, column('n', 'int(10) unsigned')]);
    const target = table('t', [id, column('n', 'int(11)')]);
    assert.deepEqual(diffColumns(source, target), [{ column: 'n', kind: 'type', source: 'int(10) unsigned', target: 'int(11)' }]);
  });

  it('ignores integer and YEAR display widths (MariaDB int(11) vs MySQL 8 int)', () => {
    const source = table('t', [id, column('a', 'tinyint(4)'), column('b', 'bigint(20) unsigned'), column('c', 'smallint(6)'),
      column('d', 'mediumint(9)'), column('y', 'year(4)'), column('flag', 'tinyint(1)')]);
    const target = table('t', [idMysql, column('a', 'tinyint'), column('b', 'bigint unsigned'), column('c', 'smallint'),
      column('d', 'mediumint'), column('y', 'year'), column('flag', 'tinyint(1)')]);
    assert.deepEqual(diffColumns(source, target), []);
    assert.deepEqual(diffColumns(target, source), []);
  });

  it('does not ignore widths that change values', () => {
    const source = table('t', [id, column('b', 'bit(1)'), column('c', 'char(10)', utf8mb4), column('t', 'datetime(6)')]);
    const target = table('t', [id, column('b', 'bit(8)'), column('c', 'char(1)', utf8mb4), column('t', 'datetime')]);
    assert.deepEqual(diffColumns(source, target).map((d) => [d.column, d.kind]), [['b', 'type'], ['c', 'type'], ['t', 'type']]);
  });

  it('treats MariaDB JSON (LONGTEXT + check) and MySQL json as the same type and charset', () => {
    const source = table('t', [id, column('doc', 'longtext', mariaDbJson)]);
    const target = table('t', [idMysql, column('doc', 'json')]);
    assert.deepEqual(diffColumns(source, target), []);
    assert.deepEqual(diffColumns(target, source), []);
  });

  it('still reports JSON against a plain LONGTEXT', () => {
    const source = table('t', [id, column('doc', 'longtext', mariaDbJson)]);
    const target = table('t', [id, column('doc', 'longtext', { charset: 'utf8mb4', collation: 'utf8mb4_bin' })]);
    assert.deepEqual(diffColumns(source, target), [{ column: 'doc', kind: 'type', source: 'json', target: 'longtext' }]);
  });

  it('names a missing or extra MariaDB JSON column json, so the suggested ALTER keeps it JSON', () => {
    const source = table('t', [id, column('doc', 'longtext', mariaDbJson)]);
    const target = table('t', [id, column('meta', 'longtext', { ...mariaDbJson, nullable: false })]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'doc', kind: 'missing-on-target', source: 'json' },
      { column: 'meta', kind: 'extra-on-target', target: 'json' },
    ]);
  });

  it('reports nullability differences both ways', () => {
    const source = table('t', [id, column('a', 'int(11)', { nullable: false }), column('b', 'int(11)')]);
    const target = table('t', [id, column('a', 'int(11)'), column('b', 'int(11)', { nullable: false })]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'a', kind: 'nullability', source: 'NOT NULL', target: 'NULL' },
      { column: 'b', kind: 'nullability', source: 'NULL', target: 'NOT NULL' },
    ]);
  });

  it('reports generated columns that differ in kind or exist as plain columns on one side', () => {
    const source = table('t', [id, column('v', 'int(11)', { generated: 'virtual', generationExpression: '`id` * 2' }),
      column('s', 'int(11)', { generated: 'stored', generationExpression: '`id` + 1' }), column('p', 'int(11)')]);
    const target = table('t', [id, column('v', 'int(11)', { generated: 'stored', generationExpression: '`id` * 2' }),
      column('s', 'int(11)'), column('p', 'int(11)', { generated: 'virtual', generationExpression: '0' })]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'v', kind: 'generated', source: 'virtual', target: 'stored' },
      { column: 's', kind: 'generated', source: 'stored', target: 'no' },
      { column: 'p', kind: 'generated', source: 'no', target: 'virtual' },
    ]);
  });

  it('reports a charset difference (not also its collation), a collation difference within a charset, and knows utf8 is utf8mb3', () => {
    const source = table('t', [id, column('a', 'varchar(10)', utf8mb4), column('b', 'varchar(10)', utf8mb4),
      column('c', 'varchar(10)', { charset: 'utf8', collation: 'utf8_general_ci' }), column('bin', 'varbinary(10)')]);
    const target = table('t', [id, column('a', 'varchar(10)', { charset: 'latin1', collation: 'latin1_swedish_ci' }),
      column('b', 'varchar(10)', { charset: 'utf8mb4', collation: 'utf8mb4_bin' }),
      column('c', 'varchar(10)', { charset: 'utf8mb3', collation: 'utf8mb3_general_ci' }),
      column('bin', 'varchar(10)', utf8mb4)]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'a', kind: 'charset', source: 'utf8mb4', target: 'latin1' },
      { column: 'b', kind: 'collation', source: utf8mb4.collation, target: 'utf8mb4_bin' },
      { column: 'bin', kind: 'type', source: 'varbinary(10)', target: 'varchar(10)' },
      { column: 'bin', kind: 'charset', source: '-', target: 'utf8mb4' },
    ]);
  });

  it('reports primary key differences: other columns, other order, or none on one side', () => {
    const cols = [id, column('tenant', 'int(11)', { nullable: false })];
    assert.deepEqual(diffColumns(table('t', cols, ['id', 'tenant']), table('t', cols, ['tenant', 'id'])),
      [{ column: '', kind: 'primary-key', source: 'id,tenant', target: 'tenant,id' }]);
    assert.deepEqual(diffColumns(table('t', cols, ['id']), table('t', cols, ['id', 'tenant'])),
      [{ column: '', kind: 'primary-key', source: 'id', target: 'id,tenant' }]);
    assert.deepEqual(diffColumns(table('t', cols, ['id']), table('t', cols, [])),
      [{ column: '', kind: 'primary-key', source: 'id', target: '' }]);
    assert.deepEqual(diffColumns(table('t', cols, ['id', 'tenant']), table('t', cols, ['id', 'tenant'])), []);
  });

  it('matches column names case-insensitively, as the servers do', () => {
    const source = table('t', [column('ID', 'int(11)', { nullable: false }), column('Email', 'varchar(50)', utf8mb4)], ['ID']);
    const target = table('t', [idMysql, column('email', 'varchar(50)', utf8mb4)], ['id']);
    assert.deepEqual(diffColumns(source, target), []);
  });

  it('matches names with backticks, dashes and spaces exactly', () => {
    const source = table('t', [id, column('we`ird', 'int(11)'), column('da-sh', 'int(11)'), column('sp ace', 'int(11)')]);
    const target = table('t', [id, column('we`ird', 'int'), column('da_sh', 'int(11)'), column('sp ace', 'int(11)')]);
    assert.deepEqual(diffColumns(source, target), [
      { column: 'da-sh', kind: 'missing-on-target', source: 'int(11)' },
      { column: 'da_sh', kind: 'extra-on-target', target: 'int(11)' },
    ]);
  });
});

describe('diffSchemas', () => {
  it('pairs tables by name and lists those on one side only', () => {
    const source = [table('both', [id, column('a', 'int(11)')]), table('only_source', [id]), table('same', [id])];
    const target = [table('same', [idMysql]), table('only_target', [id]), table('both', [id, column('a', 'bigint(20)')])];
    const diff = diffSchemas(source, target);
    assert.deepEqual(diff.common.map((p) => [p.name, p.differences]), [
      ['both', [{ column: 'a', kind: 'type', source: 'int(11)', target: 'bigint(20)' }]],
      ['same', []],
    ]);
    assert.equal(diff.common[0]?.source, source[0]);
    assert.equal(diff.common[0]?.target, target[2]);
    assert.deepEqual(diff.onlyOnSource.map((t) => t.name), ['only_source']);
    assert.deepEqual(diff.onlyOnTarget.map((t) => t.name), ['only_target']);
  });

  it('handles an empty side', () => {
    const tables = [table('a', [id]), table('b', [id])];
    assert.deepEqual(diffSchemas(tables, []), { common: [], onlyOnSource: tables, onlyOnTarget: [] });
    assert.deepEqual(diffSchemas([], tables), { common: [], onlyOnSource: [], onlyOnTarget: tables });
  });
});
