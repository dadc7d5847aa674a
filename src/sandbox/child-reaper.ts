import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let installed = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Tracks sandbox server processes so that they die with this process, even when a test or the demo
 * crashes or is interrupted: no leaked mariadbd or JVM.
 */
export const childReaper = {
  track(child: ChildProcess): void {
    children.add(child);
    child.once('exit', () => children.delete(child));
    if (!installed) {
      installed = true;
      process.once('exit', killAll);
    }
  },
  untrack(child: ChildProcess): void {
    children.delete(child);
  },
};
