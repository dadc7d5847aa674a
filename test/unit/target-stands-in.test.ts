import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Boundary } from '../../src/core/position.js';
import type { ColumnSchema, TableSchema } from '../../src/core/table-schema.js';
import type { TargetDefinitions } from '../../src/source/ddl-on-target.js';
import { SourceSchemaCache } from '../../src/source/source-schema-cache.js';

/*
 * Which definitions a DDL read late takes (SourceSchemaCache.afterDdl with the target's around it):
 * the target's only where it is sure to hold what the DDL left on the source.
 */

const at = (offset: number): Boundary => ({ file: 'binlog.000001', offset });
const column = (name: string, columnType: string, charset?: string): ColumnSchema => ({
  name, ordinal: 1, dataType: columnType.replace(/\(.*/, ''), columnType, nullable: true, defaultValue: undefined, generated: undefined,
  generationExpression: undefined, autoIncrement: false, unsigned: false, charset, collation: charset === undefined ? undefined : `${charset}_general_ci`, json: false,
});
const table = (database: string, name: string, columnType: string, charset?: string): TableSchema => ({
  database, name, engine: 'InnoDB', collation: 'utf8mb4_general_ci', columns: [column('id', 'int(11)'), column('v', columnType, charset)], primaryKey: ['id'], uniqueKeys: [], foreignKeys: [],
});

/** A cache holding `held`, whose source now shows `now` for the tables read (at 1000). */
function cache(held: TableSchema[], now: TableSchema[]): SourceSchemaCache {
  const schemas = new SourceSchemaCache({ query: () => Promise.reject(new Error('no queries here')) } as never, 'src');
  const { tables, tableReadAt } = schemas as unknown as { tables: Map<string, TableSchema>; tableReadAt: Map<string, Boundary> };
  for (const t of held) tables.set(t.name, t);
  Object.assign(schemas, {
    read: (only: readonly string[]) => {
      const found = now.filter((t) => only.includes(t.name));
      for (const name of only) {
        tables.delete(name);
        tableReadAt.set(name, at(1000));
      }
      for (const t of found) tables.set(t.name, t);
      return Promise.resolve({ at: at(1000), found });
    },
  });
  return schemas;
}

async function ddl(schemas: SourceSchemaCache, name: string, applied: Omit<TargetDefinitions, 'before'> & { before: Array<[string, TableSchema | undefined]> }): Promise<string[]> {
  const result = await schemas.afterDdl([name], at(500), {
    before: new Map([[name, schemas.get(name)]]),
    applied: () => Promise.resolve({ ...applied, before: new Map(applied.before) }),
  });
  return result.fromTarget;
}

describe('definitions a DDL read late takes from the target', () => {
  const abc = "enum('a','b','c')";
  const cba = "enum('c','b','a')";
  const bac = "enum('b','a','c')";

  it('an ALTER on a target that held the table alike: what it left there, under the source\'s database name; the source\'s once it matches', async () => {
    const schemas = cache([table('src', 't', abc)], [table('src', 't', bac)]);
    assert.deepEqual(await ddl(schemas, 't', { before: [['t', table('dst', 't', abc)]], after: new Map([['t', table('dst', 't', cba)]]) }), ['t']);
    assert.equal(schemas.get('t')?.columns[1]?.columnType, cba);
    assert.equal(schemas.get('t')?.database, 'src');
    assert.equal(schemas.readAfter('t', at(600)), false, 'as of the DDL: a later DDL of the table finds it read in time');

    const same = cache([table('src', 't', abc)], [table('src', 't', cba)]);
    assert.deepEqual(await ddl(same, 't', { before: [['t', table('dst', 't', abc)]], after: new Map([['t', table('dst', 't', cba)]]) }), []);
    assert.equal(same.readAfter('t', at(600)), false, 'the target confirms what was read: it holds from the DDL on, though read later');
  });

  it('an ALTER on a target that held the table otherwise: the source\'s', async () => {
    const schemas = cache([table('src', 't', abc)], [table('src', 't', bac)]);
    assert.deepEqual(await ddl(schemas, 't', { before: [['t', table('dst', 't', abc, 'latin1')]], after: new Map([['t', table('dst', 't', cba, 'latin1')]]) }), []);
    assert.equal(schemas.get('t')?.columns[1]?.columnType, bac);
    assert.equal(schemas.readAfter('t', at(600)), true, 'read late, and nothing confirms it');
  });

  it('a CREATE TABLE: the target\'s where it makes the table alike, else the source\'s', async () => {
    const created = { before: [['t', undefined]] as Array<[string, TableSchema | undefined]>, after: new Map([['t', table('dst', 't', cba)]]) };
    assert.deepEqual(await ddl(cache([], [table('src', 't', bac)]), 't', { ...created, create: { replace: false, alike: true } }), ['t']);
    assert.deepEqual(await ddl(cache([], [table('src', 't', bac)]), 't', { ...created, create: { replace: false, alike: false } }), [], 'other database defaults');
    // IF NOT EXISTS on a target that had the table, where the source had none: the target kept its own.
    assert.deepEqual(await ddl(cache([], [table('src', 't', bac)]), 't', { ...created, before: [['t', table('dst', 't', cba)]], create: { replace: false, alike: true } }), []);
  });

  it('CREATE OR REPLACE: decided by what it makes, not by the table it replaces', async () => {
    const replaced = { before: [['t', table('dst', 't', abc)]] as Array<[string, TableSchema | undefined]>, after: new Map([['t', table('dst', 't', cba)]]) };
    assert.deepEqual(await ddl(cache([table('src', 't', abc)], [table('src', 't', bac)]), 't', { ...replaced, create: { replace: true, alike: false } }), []);
    assert.deepEqual(await ddl(cache([table('src', 't', abc)], [table('src', 't', bac)]), 't', { ...replaced, create: { replace: true, alike: true } }), ['t']);
  });

  it('CREATE TABLE ... LIKE: the target\'s only where it held the copied table as scsc does', async () => {
    const like = (definition: TableSchema): Omit<TargetDefinitions, 'before'> & { before: Array<[string, TableSchema | undefined]> } => ({
      before: [['s', undefined]], after: new Map([['s', table('dst', 's', cba)]]), create: { replace: false, alike: false }, like: { table: 'u', definition },
    });
    assert.deepEqual(await ddl(cache([table('src', 'u', cba)], [table('src', 's', bac)]), 's', like(table('dst', 'u', cba))), ['s']);
    assert.deepEqual(await ddl(cache([table('src', 'u', cba)], [table('src', 's', bac)]), 's', like(table('dst', 'u', abc))), []);
    assert.deepEqual(await ddl(cache([table('src', 'u', cba)], []), 's', like(table('dst', 'u', cba))), ['s'], 'the shadow table is gone from the source');
    // LIKE a table scsc does not replicate (or of another database): nothing to compare it with.
    const unfollowed = { before: [['s', undefined]] as Array<[string, TableSchema | undefined]>, after: new Map([['s', table('dst', 's', cba)]]), create: { replace: false, alike: false } };
    assert.deepEqual(await ddl(cache([], [table('src', 's', bac)]), 's', unfollowed), []);
  });

  it('RENAME: a name holds the table renamed to it, which both must have held alike (gh-ost\'s swap)', async () => {
    const swap = async (shadowOnTarget: string): Promise<string[]> => {
      const schemas = cache([table('src', 't', abc), table('src', '_t_gho', cba)], [table('src', 't', bac)]);
      const result = await schemas.afterDdl(['t', '_t_del', '_t_gho'], at(500), {
        before: new Map([['t', schemas.get('t')], ['_t_del', undefined], ['_t_gho', schemas.get('_t_gho')]]),
        applied: () => Promise.resolve({
          before: new Map([['t', table('dst', 't', abc)], ['_t_del', undefined], ['_t_gho', table('dst', '_t_gho', shadowOnTarget)]]),
          after: new Map([['t', table('dst', 't', shadowOnTarget)], ['_t_del', table('dst', '_t_del', abc)], ['_t_gho', undefined]]),
          origins: new Map([['t', '_t_gho'], ['_t_del', 't'], ['_t_gho', undefined]]),
        }),
      });
      return result.fromTarget;
    };
    assert.deepEqual(await swap(cba), ['t', '_t_del']);
    assert.deepEqual(await swap("enum('z')"), ['_t_del'], 'the shadow table differed on the target: t is not taken from there');
  });
});
