import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, transform, type BuildOptions } from 'esbuild';

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
  // The directive first: ES modules always ran strict, and so must the bundle of them.
  banner: { js: "'use strict';\nconst scscImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
await build({ ...common, entryPoints: ['src/cli/launch.ts'], outfile: `${out}/launch.js`, format: 'esm' });

// esbuild escapes non-ASCII characters in code but keeps them in comments (and in tagged template
// literals, which it must not escape). An ASCII-only file loads as latin1 (a copy) instead of through
// a UTF-8 decode (~16 ms per start here): such characters in `//` lines become '?', kept only if the
// minified code (no comments) is then unchanged, which proves that nothing but comments changed.
const bundle = `${out}/scsc.cjs`;
const text = readFileSync(bundle, 'utf8');
const ascii = text.replace(/^(\s*\/\/.*)$/gm, (line) => line.replace(/[\u0080-\uffff]/g, '?'));
if (ascii !== text) {
  const minified = async (code: string): Promise<string> => (await transform(code, { loader: 'js', minifyWhitespace: true, legalComments: 'none' })).code;
  if ((await minified(ascii)) === (await minified(text))) writeFileSync(bundle, ascii);
  else console.warn('bundle: non-ASCII text outside comments; the CLI bundle stays UTF-8 (decoded at each start)');
}
