import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { obsoleteVersions, type DefinitionVersion } from '../../src/checkpoint/definition-history.js';
import { positionKey, type Boundary } from '../../src/core/position.js';
import type { ColumnSchema, TableSchema } from '../../src/core/table-schema.js';
import { SourceSchemaCache } from '../../src/source/source-schema-cache.js';

const at = (offset: number): Boundary => ({ file: 'binlog.000001', offset });
const key = (offset: number): string => positionKey(at(offset));

function table(name: string, enumType: string): TableSchema {
  const column = (n: string, columnType: string, dataType: string): ColumnSchema => ({ name: n, ordinal: 1, dataType, columnType, nullable: true, defaultValue: undefined, generated: undefined, generationExpression: undefined, autoIncrement: false, unsigned: false, charset: undefined, collation: undefined, json: false });
  return { database: 'd', name, engine: 'InnoDB', collation: undefined, columns: [column('id', 'int(11)', 'int'), column('v', enumType, 'enum')], primaryKey: ['id'], uniqueKeys: [], foreignKeys: [] };
}

const version = (name: string, offset: number, enumType: string | undefined, readAt = offset + 10): DefinitionVersion =>
  ({ table: name, validFrom: key(offset), readAt: at(readAt), schema: enumType === undefined ? undefined : table(name, enumType) });

/** A cache whose database is never asked: these paths only use what was recorded. */
const cache = (): SourceSchemaCache => new SourceSchemaCache({ query: () => Promise.reject(new Error('no queries here')) } as never, 'd');

describe('recorded source definitions', () => {
  it('a restart takes the last version that holds at its restart point, and the one recorded for a DDL when it reads that DDL', async () => {
    const schemas = cache();
    const changed = schemas.resumeFrom(key(500), [
      version('e', 100, "enum('a','b')"), version('e', 400, "enum('b','a')"), version('e', 900, "enum('c','b','a')"),
      version('gone', 300, "enum('x')"), version('gone', 700, undefined),
    ]);
    assert.deepEqual(changed, ['e', 'gone'], 'both differ from what the cache held (nothing)');
    assert.equal(schemas.get('e')?.columns[1]?.columnType, "enum('b','a')");
    assert.equal(schemas.get('gone')?.columns[1]?.columnType, "enum('x')");
    // The DROP ending at 700: recorded as no table from there on.
    assert.deepEqual(await schemas.afterDdl(['gone'], at(700)), { read: [], fromTarget: [] });
    assert.equal(schemas.get('gone'), undefined);
    // The DDL ending at 900: its recorded definition is taken, no query is made.
    assert.deepEqual(await schemas.afterDdl(['e'], at(900)), { read: [], fromTarget: [] });
    assert.equal(schemas.get('e')?.columns[1]?.columnType, "enum('c','b','a')");
    // It was read at 910: a DDL ending before that is already in it.
    assert.equal(schemas.readAfter('e', at(905)), true);
    assert.equal(schemas.readAfter('e', at(915)), false);
    // A DDL nothing was recorded for is read from the source.
    await assert.rejects(schemas.afterDdl(['e'], at(1000)), /no queries here/);
  });

  it('keeps, per table, the last version that holds at the restart point and every later one', () => {
    const versions = [version('e', 100, 'x'), version('e', 400, 'x'), version('e', 900, 'x'), version('f', 600, 'x'), version('g', 100, 'x')];
    assert.deepEqual(obsoleteVersions(versions, key(500)).map((v) => [v.table, v.validFrom]), [['e', key(100)]]);
    assert.deepEqual(obsoleteVersions(versions, key(50)), []);
  });
});
