import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** scsc's version from its package.json (found relative to this file: src/cli, dist/src/cli or the bundle in dist/cli). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'scsc' && pkg.version !== undefined) return (cached = pkg.version);
    } catch {
      // try the next location
    }
  }
  return (cached = '0.0.0');
}
