import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { ScscError } from '../../src/core/scsc-error.js';
import { readStateEntry, readStateFile, stateKey, writeStateEntry, type StateEntry } from '../../src/detect/state-file.js';
import { tempDir as makeTempDir } from '../env/temp-dir.js';

const SECRET = 'Zq8-state-pw';
const source = parseDatabaseUrl(`mysql://app:${SECRET}@db1.example:3306/shop`, '--source');
const target = parseDatabaseUrl(`mysql://app:${SECRET}@db2.example:3307/shop_copy`, '--target');
const key = stateKey({ source, target, include: [], exclude: [] });

const binlogEntry: StateEntry = { signature: { detector: 'binlog', position: 'server 1 gtid 0-1-42 binlog.000001:1234' }, updatedAt: '2025-01-01T00:00:00.000Z' };
const contentEntry: StateEntry = { signature: { detector: 'content', tables: { orders: '123/abc', users: '456/def' } }, updatedAt: '2025-01-02T00:00:00.000Z' };

const tempDir = (): string => makeTempDir('scsc-state-');

async function rejection(promise: Promise<unknown>): Promise<ScscError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ScscError, `expected a ScscError, got ${String(error)}`);
    return error;
  }
  throw new Error('expected a rejection');
}

describe('state file', () => {
  it('reads a missing file as an empty document', async () => {
    const path = join(tempDir(), 'none', 'state.json');
    assert.deepEqual(await readStateFile(path), { version: 1, entries: {} });
    assert.equal(await readStateEntry(path, key), undefined);
  });

  it('creates missing directories, writes versioned JSON and reads the entry back', async () => {
    const path = join(tempDir(), 'deep', 'er', 'state.json');
    await writeStateEntry(path, key, binlogEntry);
    const document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    assert.deepEqual(document, { version: 1, entries: { [key]: binlogEntry } });
    assert.deepEqual(await readStateEntry(path, key), binlogEntry);
  });

  it('keeps the other entries when one is written, and replaces the entry of the same key', async () => {
    const path = join(tempDir(), 'state.json');
    const otherKey = stateKey({ source, target, include: ['orders'], exclude: [] });
    await writeStateEntry(path, key, binlogEntry);
    await writeStateEntry(path, otherKey, contentEntry);
    const replaced: StateEntry = { ...binlogEntry, signature: { detector: 'binlog', position: 'server 1 gtid 0-1-43' } };
    await writeStateEntry(path, key, replaced);
    const { entries } = await readStateFile(path);
    assert.deepEqual(entries, { [key]: replaced, [otherKey]: contentEntry });
  });

  it('writes atomically: a new file renamed over the old one, no temp file left behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.json');
    await writeStateEntry(path, key, binlogEntry);
    const before = statSync(path).ino;
    await writeStateEntry(path, key, contentEntry);
    assert.notEqual(statSync(path).ino, before, 'the file is replaced by rename, not rewritten in place');
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  it('reports a failed write as a ScscError naming the file and the fix, leaving nothing behind', async () => {
    const dir = tempDir();
    // A name the file system accepts but the temp name next to it (name + .pid.random.tmp) exceeds.
    const path = join(dir, `${'s'.repeat(245)}.json`);
    const error = await rejection(writeStateEntry(path, key, binlogEntry));
    assert.equal(error.code, 'STATE_FILE_UNUSABLE');
    assert.match(error.message, /cannot write the state file .*s\.json \(ENAMETOOLONG\)/);
    assert.match(error.fix, /--state/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('never stores a password', async () => {
    const path = join(tempDir(), 'state.json');
    await writeStateEntry(path, key, contentEntry);
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, new RegExp(SECRET));
    assert.match(text, /app@db1\.example:3306\/shop/);
  });
});

describe('state key', () => {
  const keyOf = (src: string, dst: string, include: string[] = [], exclude: string[] = []): string =>
    stateKey({ source: parseDatabaseUrl(src, '--source'), target: parseDatabaseUrl(dst, '--target'), include, exclude });
  const base = keyOf('mysql://u@h1:3306/a', 'mysql://u@h2:3306/b');

  it('differs for another source or target endpoint, database, user or table selection', () => {
    const variants = [
      keyOf('mysql://u@h9:3306/a', 'mysql://u@h2:3306/b'),
      keyOf('mysql://u@h1:3309/a', 'mysql://u@h2:3306/b'),
      keyOf('mysql://u@h1:3306/z', 'mysql://u@h2:3306/b'),
      keyOf('mysql://v@h1:3306/a', 'mysql://u@h2:3306/b'),
      keyOf('mysql://u@h1:3306/a', 'mysql://u@h9:3306/b'),
      keyOf('mysql://u@h1:3306/a', 'mysql://u@h2:3309/b'),
      keyOf('mysql://u@h1:3306/a', 'mysql://u@h2:3306/z'),
      keyOf('mysql://u@h1:3306/a', 'mysql://u@h2:3306/b', ['t1']),
      keyOf('mysql://u@h1:3306/a', 'mysql://u@h2:3306/b', [], ['t1']),
      keyOf('mysql://u@h2:3306/b', 'mysql://u@h1:3306/a'),
    ];
    assert.equal(new Set([base, ...variants]).size, variants.length + 1);
  });

  it('does not depend on the password, on the order of include/exclude or on repeated names', () => {
    assert.equal(keyOf('mysql://u:pw1-x@h1:3306/a', 'mysql://u:pw2-y@h2:3306/b'), base);
    assert.equal(
      keyOf('mysql://u@h1/a', 'mysql://u@h2/b', ['t2', 't1', 't1'], ['x*', 'a']),
      keyOf('mysql://u@h1/a', 'mysql://u@h2/b', ['t1', 't2'], ['a', 'x*']),
    );
  });

  it('cannot be confused by names holding separators', () => {
    assert.notEqual(
      keyOf('mysql://u@h1/a', 'mysql://u@h2/b', ['x","y']),
      keyOf('mysql://u@h1/a', 'mysql://u@h2/b', ['x', 'y']),
    );
  });
});

describe('corrupt or unreadable state file', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"version": 1, "entries": {', /is not valid JSON/],
    ['another version', '{"version": 99, "entries": {}}', /has version 99; this scsc reads version 1/],
    ['another shape', '{"version": 1, "entries": {"k": {"signature": {"detector": "psychic"}}}}', /is not an scsc state file/],
    ['JSON null', 'null', /is not an scsc state file/],
  ];
  for (const [name, text, pattern] of cases) {
    it(`names the file and the fix for ${name}`, async () => {
      const path = join(tempDir(), 'state.json');
      writeFileSync(path, text);
      const error = await rejection(readStateEntry(path, key));
      assert.equal(error.code, 'STATE_FILE_UNUSABLE');
      assert.match(error.message, pattern);
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.fix, new RegExp(`delete ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.equal(error.exitCode, 2);
    });
  }

  it('reports a path it cannot read', async () => {
    const path = tempDir(); // a directory: EISDIR
    const error = await rejection(readStateFile(path));
    assert.equal(error.code, 'STATE_FILE_UNUSABLE');
    assert.match(error.message, /cannot be read \(EISDIR\)/);
  });

  it('refuses to overwrite a corrupt file on commit', async () => {
    const path = join(tempDir(), 'state.json');
    writeFileSync(path, 'garbage');
    const error = await rejection(writeStateEntry(path, key, binlogEntry));
    assert.equal(error.code, 'STATE_FILE_UNUSABLE');
    assert.equal(readFileSync(path, 'utf8'), 'garbage');
  });
});
