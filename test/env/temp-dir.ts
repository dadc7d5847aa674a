import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let hooked = false;

/** A fresh directory under the OS temp dir, removed when the test process exits (pass or fail). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const path of created) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}
