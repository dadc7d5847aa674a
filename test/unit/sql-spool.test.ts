import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { SqlSpool } from '../../src/reconcile/sql-spool.js';

const spoolDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('scsc-sql-'));

async function all(spool: SqlSpool): Promise<string[]> {
  const out: string[] = [];
  for await (const sql of spool) out.push(sql);
  return out;
}

describe('SqlSpool', () => {
  it('keeps a small plan in memory: header first, only when there is a statement', async () => {
    const empty = new SqlSpool('SET x = 1');
    assert.equal(empty.length, 0);
    assert.deepEqual(await all(empty), []);
    const spool = new SqlSpool('SET x = 1');
    spool.push('DELETE FROM t WHERE id = 1');
    spool.push("INSERT INTO t VALUES (2, 'a\nb')");
    assert.equal(spool.length, 3);
    assert.deepEqual(await all(spool), ['SET x = 1', 'DELETE FROM t WHERE id = 1', "INSERT INTO t VALUES (2, 'a\nb')"]);
    assert.deepEqual(JSON.parse(JSON.stringify({ statements: spool })), { statements: await all(spool) });
  });

  it('moves a large plan to a temporary file and reads it back in order, every character intact', async () => {
    const before = spoolDirs().length;
    const spool = new SqlSpool('SET x = 1');
    const expected = ['SET x = 1'];
    for (let i = 0; i < 40_000; i++) {
      const sql = `INSERT INTO t VALUES (${i}, '${'x'.repeat(200)}\\n\u00e9\u{1F600}\n"q"')`;
      spool.push(sql);
      expected.push(sql);
    }
    assert.ok(spoolDirs().length > before, 'a spool past 8 MB uses a temporary file');
    assert.equal(spool.length, expected.length);
    assert.deepEqual(await all(spool), expected);
    assert.deepEqual(await all(spool), expected, 'read twice, same statements');
  });
});
