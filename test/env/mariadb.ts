import { after, before } from 'node:test';
import { mariaDbBinariesPresent, startMariaDbServer, type MariaDbServer, type MariaDbServerOptions } from '../../src/sandbox/mariadb-server.js';

const INSTALL_HINT = 'sudo apt-get install -y mariadb-server';

export type TestServers<K extends string> = {
  /** Set (locally only) when mariadbd is missing: pass it as the `skip` option of the file's suites. */
  readonly skip: string | undefined;
} & { readonly [name in K]: MariaDbServer };

/**
 * Call once at the top level of a test file: starts the named throwaway MariaDB servers in parallel
 * in `before` and stops and removes them in `after`, which runs even when tests fail. A missing
 * mariadbd is a skip locally and a failure under CI=true.
 */
export function mariaDbServersForTests<K extends string>(specs: Record<K, MariaDbServerOptions>): TestServers<K> {
  const names = Object.keys(specs) as K[];
  const started = new Map<K, MariaDbServer>();
  const skip = mariaDbBinariesPresent() ? undefined : `MariaDB tests need mariadbd; install with: ${INSTALL_HINT}`;
  if (skip !== undefined && process.env.CI === 'true') throw new Error(skip);

  if (skip === undefined) {
    before(async () => {
      const results = await Promise.allSettled(names.map(async (name) => {
        started.set(name, await startMariaDbServer({ name, ...specs[name] }));
      }));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    });
    after(async () => {
      await Promise.all([...started.values()].map((server) => server.stop()));
    });
  }

  const servers = { skip } as Record<string, unknown>;
  for (const name of names) {
    Object.defineProperty(servers, name, {
      get(): MariaDbServer {
        const server = started.get(name);
        if (server === undefined) throw new Error(skip ?? `server ${name} is only available once the before hook has run`);
        return server;
      },
    });
  }
  return servers as TestServers<K>;
}
