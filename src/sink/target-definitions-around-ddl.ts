import type { ChangeEvent } from '../core/change-event.js';
import type { TableSchema } from '../core/table-schema.js';
import { queryRows, type Queryable } from '../mysql/query-rows.js';
import { introspectDatabase, tableNamed } from '../mysql/schema-introspector.js';
import type { Logger } from '../observability/logger.js';
import type { TargetDefinitions } from '../source/ddl-on-target.js';

export interface AroundDdlOptions {
  source: Queryable;
  target: Queryable;
  databases: { source: string; target: string };
  logger: Logger;
}

/**
 * Reads the target's definitions of the tables a DDL event names, before the applier runs it; the
 * returned `after()` reads them again once it ran, and gives both (see DdlOnTarget). Undefined when
 * the target cannot be read (a warning says so): the stream then takes the source's definitions.
 */
export async function targetBeforeDdl(event: ChangeEvent, options: AroundDdlOptions): Promise<{ after: () => Promise<TargetDefinitions | undefined> } | undefined> {
  const tables = (event.ddlTables ?? []).map(([, table]) => table);
  const like = event.ddlLike;
  const before = await read(like === undefined ? tables : [...tables, like], options);
  if (before === undefined) return undefined;
  const copied = like === undefined ? {} : { like: { table: like, definition: before.get(like) } };
  const create = event.ddlCreate === undefined ? {} : {
    create: { replace: event.ddlCreate.replace, alike: !event.ddlCreate.like && !event.ddlCreate.select && await sameDatabaseDefaults(options) },
  };
  const renamed = event.ddlRenames === undefined ? {} : { origins: renameOrigins(event.ddlRenames) };
  return {
    after: async () => {
      const after = await read(tables, options);
      return after === undefined ? undefined : { before, after, ...create, ...copied, ...renamed };
    },
  };
}

/** Which table each name of a RENAME holds after it, step by step (t TO old, new TO t: t holds new). */
function renameOrigins(steps: ReadonlyArray<[string | undefined, string | undefined]>): Map<string, string | undefined> {
  const origins = new Map<string, string | undefined>();
  for (const [from, to] of steps) {
    const origin = from === undefined ? undefined : origins.has(from) ? origins.get(from) : from;
    if (from !== undefined) origins.set(from, undefined);
    if (to !== undefined) origins.set(to, origin);
  }
  return origins;
}

async function read(tables: readonly string[], options: AroundDdlOptions): Promise<Map<string, TableSchema | undefined> | undefined> {
  try {
    const found = await introspectDatabase(options.target, options.databases.target, tables);
    return new Map(tables.map((name) => [name, tableNamed(found, name)]));
  } catch (error) {
    options.logger.warn({ err: (error as Error).message, tables }, "reading the target's definitions around a DDL failed: rows after it are decoded with the source's as read now");
    return undefined;
  }
}

/** Whether a table created without a character set gets the same one (and collation) on both servers. */
async function sameDatabaseDefaults(options: AroundDdlOptions): Promise<boolean> {
  const sql = 'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
  try {
    const [source, target] = await Promise.all([
      queryRows(options.source, sql, [options.databases.source]),
      queryRows(options.target, sql, [options.databases.target]),
    ]);
    return source.length === 1 && JSON.stringify(source) === JSON.stringify(target);
  } catch {
    return false;
  }
}
