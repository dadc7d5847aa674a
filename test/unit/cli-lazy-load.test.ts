import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

/*
 * `scsc --version` and `scsc <command> --help` load only commander and scsc's own CLI modules: the
 * config validator, the MySQL driver, the logger, YAML and the progress bars load when a command runs.
 */

const ENTRY = fileURLToPath(new URL('../../src/cli/scsc.ts', import.meta.url));
const HEAVY = ['zod', 'mysql2', 'pino', 'pino-pretty', 'yaml', 'cli-progress', 'dotenv', '@vlasky/zongji', 'rxjs', 'kafkajs', 'prom-client'];

const dir = mkdtempSync(join(tmpdir(), 'scsc-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every package a run of `scsc ARGS` loaded: ES modules through a resolve hook, CommonJS ones from require.cache. */
function packagesLoaded(args: string[]): Set<string> {
  const log = join(dir, `${args.join('-')}.log`);
  const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}`;
  const preload = join(dir, 'preload.mjs');
  writeFileSync(preload, `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});
process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join('\\n') + '\\n'));
`);
  execFileSync(process.execPath, ['--import', 'tsx', '--import', preload, ENTRY, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const names = readFileSync(log, 'utf8').split('\n').flatMap((line) => {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    return match === null ? [] : [match[1] as string];
  });
  return new Set(names);
}

describe('CLI start-up', () => {
  for (const args of [['--version'], ['sync', '--help'], ['reconcile', '--help'], ['status', '--help']]) {
    it(`scsc ${args.join(' ')} loads no engine dependency`, () => {
      const loaded = packagesLoaded(args);
      assert.ok(loaded.has('commander'), 'the hook saw no package at all');
      assert.deepEqual(HEAVY.filter((name) => loaded.has(name)), []);
    });
  }
});
