import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/*
 * The CLI as two files in dist/cli: launch.js (bin/scsc.js's entry: a few Node built-ins) and
 * scsc.cjs (everything else, one CommonJS file), which launch.js runs with a V8 code cache
 * (src/cli/code-cache.ts). One file is what the cache covers; with it a start skips parsing and
 * compiling the bundle. Commands' modules are still evaluated only when their command runs.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/cli`;
rmSync(out, { recursive: true, force: true });

const common: BuildOptions = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: root };
await build({
  ...common,
  entryPoints: ['src/cli/scsc.ts'],
  outfile: `${out}/scsc.cjs`,
  format: 'cjs',
  // RxJS's ES module build (its package sends Node to the CommonJS one) lets the bundler drop the
  // operators scsc does not use.
  alias: { rxjs: './node_modules/rxjs/dist/esm/index.js' },
  define: { 'import.meta.url': 'scscImportMetaUrl' },
  banner: { js: "const scscImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: ['src/cli/launch.ts'], outfile: `${out}/launch.js`, format: 'esm' });

// esbuild escapes non-ASCII characters in code but keeps them in comments: an ASCII-only file loads
// as latin1 (a copy) instead of through a UTF-8 decode (~16 ms here).
const bundle = `${out}/scsc.cjs`;
const text = readFileSync(bundle, 'utf8');
writeFileSync(bundle, text.replace(/^(\s*\/\/.*)$/gm, (line) => line.replace(/[\u0080-\uffff]/g, '?')));
