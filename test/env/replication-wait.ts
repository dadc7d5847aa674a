import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import type { RunningCli } from './run-cli.js';
import { compareSnapshots, exactSnapshot } from './type-fixture.js';

/** Waits for a line of a running scsc's output; fails early when it exits. */
export async function waitForOutput(cli: RunningCli, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const seen = (): boolean => (typeof text === 'string' ? cli.output().includes(text) : text.test(cli.output()));
  while (!seen()) {
    if (cli.child.exitCode !== null) throw new Error(`scsc exited (${cli.child.exitCode}) before ${String(text)}:\n${cli.output().slice(-4000)}`);
    if (Date.now() > until) throw new Error(`no ${String(text)} in the output within ${timeoutMs} ms:\n${cli.output().slice(-4000)}`);
    await delay(50);
  }
}

export interface Copy {
  server: MariaDbServer;
  database: string;
}

/**
 * Waits until every table holds the same rows on both sides (the fixture's exact read), while the
 * replicator keeps running; fails with the differences and scsc's last output.
 */
export async function waitForTablesEqual(source: Copy, target: Copy, tables: readonly string[], cli: RunningCli, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let problems: string[] = [];
  while (Date.now() < until) {
    problems = [];
    for (const table of tables) {
      try {
        const [a, b] = await Promise.all([exactSnapshot(source.server, source.database, table), exactSnapshot(target.server, target.database, table)]);
        for (const problem of compareSnapshots(table, a, b)) problems.push(problem); // can be more than a call takes arguments
      } catch (error) {
        problems.push(`${table}: ${(error as Error).message}`); // e.g. not created on the target yet
      }
    }
    if (problems.length === 0) return;
    if (cli.child.exitCode !== null) break;
    await delay(250);
  }
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} differences\n--- scsc output:\n${cli.output().slice(-4000)}`);
}
