import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { scscCacheRoot } from '../core/cache-root.js';
import { runWithCodeCache } from './code-cache.js';

/** Commands whose runs keep a code cache (one file each); anything else runs without one. */
export const CACHED_COMMANDS = ['check', 'sync', 'reconcile', 'watch', 'replicate', 'publish', 'apply', 'bidirectional', 'status', 'demo'];

/**
 * `bin/scsc.js` starts here: the CLI bundle (dist/cli/scsc.cjs) runs with the V8 code cache of the
 * command's earlier runs, unless SCSC_CODE_CACHE=0.
 */
export function launch(argv: readonly string[]): void {
  const command = argv[2] !== undefined && CACHED_COMMANDS.includes(argv[2]) ? argv[2] : undefined;
  const enabled = command !== undefined && process.env.SCSC_CODE_CACHE !== '0';
  runWithCodeCache(fileURLToPath(new URL('./scsc.cjs', import.meta.url)), {
    dir: enabled ? join(scscCacheRoot(), 'code-cache') : undefined,
    command: command ?? 'none',
    writeAfterMs: 2_000,
  });
}
