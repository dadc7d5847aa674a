import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scscCacheRoot } from '../core/cache-root.js';
import { runWithCodeCache } from './code-cache.js';

/** Commands whose runs keep a code cache of their own (one file each). */
export const CACHED_COMMANDS = ['check', 'sync', 'reconcile', 'watch', 'replicate', 'publish', 'apply', 'bidirectional', 'status', 'demo'];
const HELP = new Set(['-h', '--help', '-V', '--version']);

/**
 * `bin/scsc.js` starts here: the CLI bundle (dist/cli/scsc.cjs) runs with the V8 code cache of the
 * command's earlier runs, unless SCSC_CODE_CACHE=0. Help, version and usage output share one cache,
 * so that a command's own is made by a run of the command.
 */
export function launch(argv: readonly string[]): void {
  const command = argv[2] !== undefined && CACHED_COMMANDS.includes(argv[2]) && !argv.some((arg) => HELP.has(arg)) ? argv[2] : 'help';
  runWithCodeCache(fileURLToPath(new URL('./scsc.cjs', import.meta.url)), {
    dir: process.env.SCSC_CODE_CACHE === '0' ? undefined : cacheDirectory(),
    command,
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
