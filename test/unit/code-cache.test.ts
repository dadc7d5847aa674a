import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { CACHED_COMMANDS } from '../../src/cli/launch.js';
import { buildProgram } from '../../src/cli/program.js';

const CODE_CACHE = fileURLToPath(new URL('../../src/cli/code-cache.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scsc-code-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS bundle that shows what it was run with. */
function writeBundle(name: string, marker: string): string {
  const file = join(dir, name);
  writeFileSync(file, `const path = require('node:path');
function shout(text) { return text.toUpperCase(); }
process.stdout.write(JSON.stringify({ marker: shout(${JSON.stringify(marker)}), file: path.basename(__filename), main: typeof module.exports }) + '\\n');
setTimeout(() => undefined, Number(process.env.LINGER_MS ?? 0));
process.exitCode = Number(process.env.EXIT_CODE ?? 0);
`);
  return file;
}

/** Runs the bundle in a fresh process through runWithCodeCache: the bundle's line and the run's result. */
function run(bundle: string, cacheDir: string, writeAfterMs = 60_000, lingerMs = 0, exitCode = 0, nodeOptions: string[] = []): { output: { marker: string; file: string; main: string }; accepted: boolean; partial: boolean; file: string | undefined } {
  const runner = `import { runWithCodeCache } from ${JSON.stringify(CODE_CACHE)};
const result = runWithCodeCache(${JSON.stringify(bundle)}, { dir: ${JSON.stringify(cacheDir)}, command: 'sync', writeAfterMs: ${writeAfterMs} });
process.stdout.write(JSON.stringify(result) + '\\n');`;
  const child = spawnSync(process.execPath, [...nodeOptions, '--import', 'tsx', '--input-type=module', '-e', runner], { encoding: 'utf8', env: { ...process.env, LINGER_MS: String(lingerMs), EXIT_CODE: String(exitCode) } });
  assert.equal(child.status, exitCode, child.stderr);
  const stdout = child.stdout;
  const [line, resultLine] = stdout.trim().split('\n');
  const result = JSON.parse(resultLine ?? '{}') as { accepted: boolean; partial: boolean; file?: string };
  return { output: JSON.parse(line ?? '{}') as { marker: string; file: string; main: string }, accepted: result.accepted, partial: result.partial, file: result.file };
}

describe('code cache (bin/scsc.js runs the bundle through it)', () => {
  it('compiles from source and writes a cache on the first run, and runs from the cache on the next', () => {
    const cacheDir = join(dir, 'cache-a');
    const bundle = writeBundle('a.cjs', 'first');
    const first = run(bundle, cacheDir);
    assert.deepEqual(first.output, { marker: 'FIRST', file: 'a.cjs', main: 'object' });
    assert.equal(first.accepted, false);
    assert.ok(first.file !== undefined && existsSync(first.file), 'the cache was written at exit');
    const second = run(bundle, cacheDir);
    assert.deepEqual(second.output, first.output);
    assert.equal(second.accepted, true);
  });

  it('replaces a cache written at the exit of a short run by one written during a run that lasts', () => {
    const cacheDir = join(dir, 'cache-e');
    const bundle = writeBundle('e.cjs', 'lasting');
    assert.equal(run(bundle, cacheDir, 1000).accepted, false, 'exits before writeAfterMs: written at exit');
    const short = run(bundle, cacheDir, 1000);
    assert.deepEqual([short.accepted, short.partial], [true, true], 'a short run does not rewrite it at exit');
    const lasting = run(bundle, cacheDir, 1000, 1500);
    assert.deepEqual([lasting.accepted, lasting.partial], [true, true]);
    const full = run(bundle, cacheDir, 1000);
    assert.deepEqual([full.accepted, full.partial], [true, false], 'the run before lasted past writeAfterMs and rewrote it');
    const mtime = statSync(full.file as string).mtimeMs;
    run(bundle, cacheDir, 1000, 1500);
    assert.equal(statSync(full.file as string).mtimeMs, mtime, 'a full cache is not written again');
  });

  it('never uses the cache of another bundle, even one of the same length, and keeps only the newest 3 per command', () => {
    const cacheDir = join(dir, 'cache-b');
    const bundle = writeBundle('b.cjs', 'aaaa');
    const first = run(bundle, cacheDir);
    writeBundle('b.cjs', 'bbbb');
    const second = run(bundle, cacheDir);
    assert.equal(second.output.marker, 'BBBB');
    assert.equal(second.accepted, false);
    assert.notEqual(second.file, first.file);
    assert.equal(run(bundle, cacheDir).accepted, true);
    writeBundle('b.cjs', 'aaaa');
    assert.equal(run(bundle, cacheDir).accepted, true, 'two installs (or Node versions) in turn keep their caches');
    for (const marker of ['cccc', 'dddd']) run(writeBundle('b.cjs', marker), cacheDir);
    assert.equal(readdirSync(cacheDir).length, 3);
    assert.equal(existsSync(first.file as string), false, 'the oldest is removed');
  });

  it('keeps one cache per set of Node options (V8 refuses a cache made under other flags)', () => {
    const cacheDir = join(dir, 'cache-h');
    const bundle = writeBundle('h.cjs', 'flags');
    const flagged = ['--max-semi-space-size=8'];
    const plain = run(bundle, cacheDir);
    const other = run(bundle, cacheDir, 60_000, 0, 0, flagged);
    assert.equal(other.accepted, false);
    assert.notEqual(other.file, plain.file);
    assert.equal(run(bundle, cacheDir).accepted, true, 'the flagged run did not overwrite the plain one');
    assert.equal(run(bundle, cacheDir, 60_000, 0, 0, flagged).accepted, true);
  });

  it('does not write a cache at the exit of a failed run', () => {
    const cacheDir = join(dir, 'cache-f');
    const failed = run(writeBundle('f.cjs', 'failed'), cacheDir, 60_000, 0, 3);
    assert.equal(failed.output.marker, 'FAILED');
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  it('ignores a cache file that others may write to or that has a second link', () => {
    const cacheDir = join(dir, 'cache-g');
    const bundle = writeBundle('g.cjs', 'guarded');
    const file = run(bundle, cacheDir).file as string;
    chmodSync(file, 0o666);
    assert.equal(run(bundle, cacheDir).accepted, false);
    rmSync(file);
    run(bundle, cacheDir);
    linkSync(file, join(dir, 'g-link'));
    assert.equal(run(bundle, cacheDir).accepted, false);
  });

  it('ignores a damaged cache file (checksum) and writes a good one', () => {
    const cacheDir = join(dir, 'cache-c');
    const bundle = writeBundle('c.cjs', 'damaged');
    const first = run(bundle, cacheDir);
    const file = first.file as string;
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const damaged = run(bundle, cacheDir);
    assert.equal(damaged.output.marker, 'DAMAGED');
    assert.equal(damaged.accepted, false);
    assert.equal(run(bundle, cacheDir).accepted, true);
  });

  it('neither reads nor writes a cache in a directory others may write to', () => {
    const cacheDir = join(dir, 'cache-d');
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    const bundle = writeBundle('d.cjs', 'shared');
    const result = run(bundle, cacheDir);
    assert.equal(result.output.marker, 'SHARED');
    assert.equal(result.file, undefined);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  it('the CLI bundle runs strict, as its ES modules did', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../dist/cli/scsc.cjs', import.meta.url)), 'utf8');
    assert.match(bundle, /^'use strict';\n/);
  });

  it('keeps a cache for every command of the CLI, and only for those', () => {
    const program = buildProgram({ exitCode: 0, stdout: process.stdout, stderr: process.stderr, env: {}, cwd: process.cwd() });
    assert.deepEqual([...CACHED_COMMANDS].sort(), program.commands.map((c) => c.name()).sort());
  });
});
