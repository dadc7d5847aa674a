import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/scsc.js', import.meta.url));

export interface TimedRun {
  ms: number;
  /** Peak resident set size of the scsc process, in MiB (GNU time's %M). */
  peakRssMiB: number;
  stdout: string;
}

/** Runs the compiled CLI (`npm run build` first) under /usr/bin/time, as a user would run it. */
export async function runScsc(args: string[]): Promise<TimedRun> {
  const started = performance.now();
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, ...args, '--log-level', 'warn'], {
    maxBuffer: 256 << 20,
  }).catch((error: { stdout?: string; stderr?: string; code?: number }) => {
    // reconcile exits 1 when it finds differences: that is a result, not a failure.
    if (error.code === 1 && error.stdout !== undefined) return { stdout: error.stdout, stderr: error.stderr ?? '' };
    throw error;
  });
  const ms = performance.now() - started;
  const rss = /maxrss_kb=(\d+)/.exec(stderr);
  return { ms, peakRssMiB: Number(rss?.[1] ?? 0) / 1024, stdout };
}

/** Wall time of a peer command; `okExitCodes` for tools that report findings by exit status. */
export async function timed(command: string, args: string[], options: { shell?: boolean; okExitCodes?: number[] } = {}): Promise<number> {
  const started = performance.now();
  await run(command, args, { maxBuffer: 256 << 20, ...(options.shell === true ? { shell: '/bin/bash' } : {}) }).catch((error: { code?: number }) => {
    if (!(options.okExitCodes ?? []).includes(error.code ?? -1)) throw error;
  });
  return performance.now() - started;
}
