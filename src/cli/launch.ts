import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scscCacheRoot } from '../core/cache-root.js';
import { runWithCodeCache } from './code-cache.js';

/** Commands whose runs keep a code cache (one file each); anything else runs without one. */
export const CACHED_COMMANDS = ['check', 'sync', 'reconcile', 'watch', 'replicate', 'publish', 'apply', 'bidirectional', 'status', 'demo'];
const HELP = new Set(['-h', '--help', '-V', '--version']);

/**
 * `bin/scsc.js` starts here: the CLI bundle (dist/cli/scsc.cjs) runs with the V8 code cache of the
 * command's earlier runs, unless SCSC_CODE_CACHE=0 (help and version output never use one).
 */
export function launch(argv: readonly string[]): void {
  const command = argv[2] !== undefined && CACHED_COMMANDS.includes(argv[2]) && !argv.some((arg) => HELP.has(arg)) ? argv[2] : undefined;
  runWithCodeCache(fileURLToPath(new URL('./scsc.cjs', import.meta.url)), {
    dir: command === undefined || process.env.SCSC_CODE_CACHE === '0' ? undefined : cacheDirectory(),
    command: command ?? 'none',
    writeAfterMs: 2_000,
  });
}

function cacheDirectory(): string | undefined {
  try {
    return join(scscCacheRoot(), 'code-cache');
  } catch {
    return undefined; // no home directory (HOME unset, no passwd entry): run without a cache
  }
}
