import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableSchema } from '../../src/core/table-schema.js';
import { childrenFirst, isReferenced } from '../../src/reconcile/children-first.js';

function table(name: string, parents: string[] = []): TableSchema {
  return {
    database: 'db', name, engine: 'InnoDB', collation: 'utf8mb4_unicode_ci', primaryKey: ['id'], uniqueKeys: [], columns: [],
    foreignKeys: parents.map((p, i) => ({ name: `fk${i}`, columns: ['r'], referencedDatabase: 'db', referencedTable: p, referencedColumns: ['id'], onUpdate: 'RESTRICT', onDelete: 'RESTRICT' })),
  };
}

describe('childrenFirst', () => {
  it('puts every table after the tables that reference it; self-references and unrelated tables keep their place', () => {
    const tables = [table('parent'), table('child', ['parent', 'other']), table('grandchild', ['child']), table('other'), table('self', ['self'])];
    const order = childrenFirst(tables).map((t) => t.name);
    const at = (name: string): number => order.indexOf(name);
    assert.equal(order.length, tables.length);
    assert.ok(at('grandchild') < at('child') && at('child') < at('parent') && at('child') < at('other'), order.join(', '));
    assert.ok(order.includes('self'));
  });

  it('still orders every table of an FK cycle', () => {
    const order = childrenFirst([table('a', ['b']), table('b', ['a']), table('c', ['a'])]).map((t) => t.name);
    assert.deepEqual([...order].sort(), ['a', 'b', 'c']);
    assert.equal(order[0], 'c', 'the table outside the cycle that references it goes first');
  });
});

describe('isReferenced', () => {
  it('is true only when another table references the table', () => {
    const tables = [table('parent'), table('child', ['parent']), table('self', ['self'])];
    assert.equal(isReferenced(tables[0] as TableSchema, tables), true);
    assert.equal(isReferenced(tables[1] as TableSchema, tables), false);
    assert.equal(isReferenced(tables[2] as TableSchema, tables), false);
  });
});
