import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where scsc keeps what it can rebuild: `$SCSC_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/scsc`. */
export function scscCacheRoot(): string {
  return process.env.SCSC_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'scsc');
}
