import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ForeignKeySchema, TableSchema } from '../../src/core/table-schema.js';
import { fkCascadePlan, laneHeldTable } from '../../src/sink/fk-cascades.js';

function table(name: string, fks: Array<Partial<ForeignKeySchema> & { to: string }> = []): TableSchema {
  return {
    database: 'db', name, engine: 'InnoDB', collation: 'utf8mb4_unicode_ci', primaryKey: ['id'], uniqueKeys: [], columns: [],
    foreignKeys: fks.map(({ to, ...fk }, i) => ({
      name: `fk_${name}_${i}`, columns: ['ref'], referencedDatabase: 'db', referencedTable: to, referencedColumns: ['id'],
      onUpdate: 'RESTRICT', onDelete: 'RESTRICT', ...fk,
    })),
  };
}

describe('fkCascadePlan', () => {
  it('gives no shared lane when no FK cascades', () => {
    const plan = fkCascadePlan([table('a'), table('b', [{ to: 'a' }])]);
    assert.equal(plan.laneOf('a'), undefined);
    assert.equal(plan.laneOf('b'), undefined);
    assert.deepEqual([...plan.cascadingParents], []);
  });

  it('puts a cascading parent, all its children and cascaded grandchildren in one lane', () => {
    const plan = fkCascadePlan([
      table('parent'),
      table('child', [{ to: 'parent', onDelete: 'CASCADE' }]),
      table('grandchild', [{ to: 'child', onDelete: 'CASCADE' }]),
      table('restrict_child', [{ to: 'parent' }]),
      table('nulled', [{ to: 'parent', onDelete: 'SET NULL' }]),
      table('of_nulled', [{ to: 'nulled' }]),
      table('alone'),
    ]);
    const lane = 'fk:["child","grandchild","nulled","parent","restrict_child"]';
    for (const name of ['parent', 'child', 'grandchild', 'restrict_child', 'nulled']) assert.equal(plan.laneOf(name), lane, name);
    assert.equal(plan.laneOf('of_nulled'), undefined, 'a SET NULL child deletes nothing below it');
    assert.equal(plan.laneOf('alone'), undefined);
    assert.deepEqual([...plan.cascadingParents].sort(), ['child', 'parent']);
  });

  it('counts ON UPDATE CASCADE and a self-reference, and ignores FKs into other databases', () => {
    const plan = fkCascadePlan([
      table('tree', [{ to: 'tree', onDelete: 'CASCADE' }]),
      table('p'), table('c', [{ to: 'p', onUpdate: 'CASCADE' }]),
      table('x', [{ to: 'p', referencedDatabase: 'other', onDelete: 'CASCADE' }]),
    ]);
    assert.equal(plan.laneOf('tree'), undefined, 'one table keeps its own lane');
    assert.ok(plan.cascadingParents.has('tree'));
    assert.equal(plan.laneOf('c'), 'fk:["c","p"]');
    assert.equal(plan.laneOf('x'), undefined);
  });

  it('lists the columns child FKs reference with a cascading ON UPDATE rule', () => {
    const plan = fkCascadePlan([
      table('p'),
      table('by_code', [{ to: 'p', referencedColumns: ['code'], onUpdate: 'CASCADE' }]),
      table('by_id', [{ to: 'p', onUpdate: 'SET NULL' }]),
      table('deleting_only', [{ to: 'p', referencedColumns: ['other'], onDelete: 'CASCADE' }]),
    ]);
    assert.deepEqual([...plan.cascadingColumns('p')].sort(), ['code', 'id']);
    assert.deepEqual(plan.cascadingColumns('by_code'), []);
  });

  it('names a very large group with a hash that fits the checkpoint column', () => {
    const children = Array.from({ length: 40 }, (_, i) => table(`child_table_${i}`, [{ to: 'parent', onDelete: 'CASCADE' }]));
    const lane = fkCascadePlan([table('parent'), ...children]).laneOf('parent') ?? '';
    assert.ok(lane.startsWith('fk#') && lane.length <= 191, lane);
  });
});

describe('laneHeldTable', () => {
  it('recognises a table lane, the transaction lane and an FK group naming the table', () => {
    assert.equal(laneHeldTable('t', 't'), true);
    assert.equal(laneHeldTable('all', 't'), true);
    assert.equal(laneHeldTable('fk:["a","t"]', 't'), true);
    assert.equal(laneHeldTable('fk:["a","b"]', 't'), false);
    assert.equal(laneHeldTable('u', 't'), false);
    assert.equal(laneHeldTable('fk:not json', 't'), false);
  });
});
