import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { TableSchema } from '../../src/core/table-schema.js';
import { mapParentsFirst } from '../../src/reconcile/map-parents-first.js';

function table(name: string, parents: string[] = []): TableSchema {
  return {
    database: 'db', name, engine: 'InnoDB', collation: 'utf8mb4_unicode_ci', primaryKey: ['id'], uniqueKeys: [], columns: [],
    foreignKeys: parents.map((p, i) => ({ name: `fk${i}`, columns: ['r'], referencedDatabase: 'db', referencedTable: p, referencedColumns: ['id'], onUpdate: 'RESTRICT', onDelete: 'RESTRICT' })),
  };
}

describe('mapParentsFirst', () => {
  it('starts a child only after its parents finished, others run alongside, results keep input order', async () => {
    const events: string[] = [];
    const tables = [table('child', ['parent', 'other']), table('grandchild', ['child']), table('parent'), table('other'), table('free'), table('self', ['self'])];
    const results = await mapParentsFirst(tables, 2, async (t) => {
      events.push(`start ${t.name}`);
      await delay(t.name === 'parent' ? 30 : 5);
      events.push(`end ${t.name}`);
      return t.name.toUpperCase();
    });
    assert.deepEqual(results, ['CHILD', 'GRANDCHILD', 'PARENT', 'OTHER', 'FREE', 'SELF']);
    const at = (e: string): number => events.indexOf(e);
    assert.ok(at('start child') > at('end parent') && at('start child') > at('end other'), events.join(', '));
    assert.ok(at('start grandchild') > at('end child'), events.join(', '));
    assert.ok(at('start free') < at('end parent'), `an unrelated table does not wait: ${events.join(', ')}`);
  });

  it('still runs every table of an FK cycle, one at a time once nothing else can start', async () => {
    const seen: string[] = [];
    await mapParentsFirst([table('a', ['b']), table('b', ['a'])], 4, (t) => {
      seen.push(t.name);
      return Promise.resolve();
    });
    assert.deepEqual(seen.sort(), ['a', 'b']);
  });

  it('starts nothing new after a failure and throws it once the running tables are done', async () => {
    const seen: string[] = [];
    await assert.rejects(mapParentsFirst([table('p'), table('c', ['p']), table('q')], 1, (t) => {
      seen.push(t.name);
      return t.name === 'p' ? Promise.reject(new Error('boom')) : Promise.resolve();
    }), /boom/);
    assert.deepEqual(seen, ['p']);
  });
});
