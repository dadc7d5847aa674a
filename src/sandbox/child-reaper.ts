import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Tracked {
  watchdog: ChildProcess | undefined;
  exited: Promise<void>;
  removeDirOnOrphan: string | undefined;
}

const tracked = new Map<ChildProcess, Tracked>();
let exitHookInstalled = false;

/**
 * Makes sandbox server processes (mariadbd, the Kafka JVM) die with this process, however it ends:
 * an 'exit' hook covers normal exits and crashes; a detached watchdog shell covers SIGTERM/SIGKILL
 * of this process (e.g. the test runner's file timeout), which run no hook, and then also removes
 * the server's temp dir.
 */
export const childReaper = {
  track(child: ChildProcess, options: { removeDirOnOrphan?: string; label?: string } = {}): void {
    const exited = new Promise<void>((resolve) => {
      if (!isRunning(child)) resolve();
      else child.once('exit', () => resolve());
    });
    tracked.set(child, {
      watchdog: spawnOrphanWatchdog(child, options.removeDirOnOrphan, options.label ?? 'scsc-sandbox'),
      exited,
      removeDirOnOrphan: options.removeDirOnOrphan,
    });
    child.once('exit', () => {
      const entry = tracked.get(child);
      if (entry !== undefined) killProcessGroup(entry.watchdog);
      tracked.delete(child);
    });
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // A process that ends without stop(): kill what it started and remove the temp dirs right here,
      // synchronously (the watchdog would see this process still alive and leave them).
      process.once('exit', () => {
        for (const [proc, entry] of tracked) {
          if (isRunning(proc)) proc.kill('SIGKILL');
          killProcessGroup(entry.watchdog);
          if (entry.removeDirOnOrphan !== undefined) rmSync(entry.removeDirOnOrphan, { recursive: true, force: true });
        }
      });
    }
  },

  /** SIGTERM, SIGKILL after the grace period; resolves once the process has exited. */
  async stop(child: ChildProcess, graceMs: number): Promise<void> {
    const entry = tracked.get(child);
    if (isRunning(child)) {
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await (entry?.exited ?? new Promise<void>((resolve) => child.once('exit', () => resolve())));
      clearTimeout(escalate);
    }
    if (entry !== undefined) killProcessGroup(entry.watchdog);
    tracked.delete(child);
  },
};

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

function spawnOrphanWatchdog(child: ChildProcess, dir: string | undefined, label: string): ChildProcess | undefined {
  if (child.pid === undefined) return undefined;
  const [parent, pid] = [process.pid, child.pid];
  const cleanup = dir === undefined ? '' : '; rm -rf "$1"';
  const script = `while kill -0 ${parent} && kill -0 ${pid}; do sleep 1; done 2>/dev/null; kill -0 ${parent} 2>/dev/null || { kill -9 ${pid} 2>/dev/null${cleanup}; }`;
  const watchdog = spawn('sh', ['-c', script, `${label}-watchdog`, dir ?? ''], { stdio: 'ignore', detached: true });
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}

function killProcessGroup(child: ChildProcess | undefined): void {
  if (child?.pid === undefined || !isRunning(child)) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
