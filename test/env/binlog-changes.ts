import type mysql from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import type { ChangeEvent } from '../../src/core/change-event.js';
import type { Boundary } from '../../src/core/position.js';
import { createLogger } from '../../src/observability/logger.js';
import type { MariaDbServer } from '../../src/sandbox/mariadb-server.js';
import { readBinlogHead } from '../../src/source/binlog-head.js';
import { BinlogSource, type BinlogSourceOptions } from '../../src/source/binlog-source.js';
import { SourceSchemaCache } from '../../src/source/source-schema-cache.js';

/** A BinlogSource of every table of `database`, and the binlog's current end to start it from. `pool` reads the head and the schema. */
export async function binlogSourceAtHead(server: MariaDbServer, pool: mysql.Pool, database: string, options: Pick<BinlogSourceOptions, 'serverId' | 'reconnectMs' | 'chooseServerId' | 'sourceServer'>): Promise<{ from: Boundary; source: BinlogSource }> {
  const from = await readBinlogHead(pool);
  const schemas = await SourceSchemaCache.load(pool, database);
  const source = new BinlogSource({
    url: parseDatabaseUrl(server.url(database), 'source'), database, selects: () => true, schemas, logger: createLogger({ level: 'silent' }), ...options,
  });
  return { from, source };
}

/** The first `count` row changes (commits left out) a BinlogSource of `database` reads after `write` has run, from the binlog's end before it. */
export async function changesFromBinlog(server: MariaDbServer, pool: mysql.Pool, database: string, options: { serverId: number; count: number; write: () => Promise<unknown> }): Promise<ChangeEvent[]> {
  const { from, source } = await binlogSourceAtHead(server, pool, database, { serverId: options.serverId });
  await options.write();
  const changes: ChangeEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = source.changes(from).subscribe({
      next: (event) => {
        if (event.kind === 'commit') return;
        changes.push(event);
        if (changes.length === options.count) {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  return changes;
}
