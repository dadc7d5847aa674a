import { escape } from 'mysql2';
import type { StatementSession } from '../core/change-event.js';
import type { Flavour } from '../mysql/server-info.js';
import { sqlModeNames } from '../mysql/sql-mode.js';

/** MariaDB keeps explicit_defaults_for_timestamp in the event's flags2 (MySQL in a variable of its own). */
const MARIADB_EXPLICIT_DEF_TIMESTAMP = 1 << 24;

export interface StatementSessionSql {
  /** SET SESSION ... for a connection about to run the statement. */
  sql: string;
  /** sql_mode names the target's flavour does not have, left out. */
  dropped: string[];
}

/**
 * The settings a source statement ran under (its query event's), as a SET for the target session
 * that runs it, as native replication applies them: sql_mode (ANSI_QUOTES, PIPES_AS_CONCAT,
 * NO_BACKSLASH_ESCAPES and strictness change what a DDL means), collation_connection (string
 * literals; the text itself was decoded from the client's character set and goes as utf8mb4),
 * time_zone (TIMESTAMP literals) and, on MariaDB, explicit_defaults_for_timestamp (which decides what
 * a bare TIMESTAMP column becomes). Between flavours sql_mode goes by name and collation ids, which
 * differ, are left out. Undefined when the event recorded none of these.
 */
export function statementSessionSql(session: StatementSession | undefined, source: Flavour, target: Flavour): StatementSessionSql | undefined {
  if (session === undefined) return undefined;
  const settings: string[] = [];
  let dropped: string[] = [];
  if (session.sqlMode !== undefined) {
    if (source === target) settings.push(`sql_mode = ${BigInt(session.sqlMode).toString()}`);
    else {
      const named = sqlModeNames(BigInt(session.sqlMode), source, target);
      settings.push(`sql_mode = ${escape(named.names.join(','))}`);
      dropped = named.dropped;
    }
  }
  if (session.collationConnection !== undefined && source === target) settings.push(`collation_connection = ${session.collationConnection}`);
  if (session.timeZone !== undefined) settings.push(`time_zone = ${escape(session.timeZone)}`);
  const explicitDefaults = session.explicitDefaultsForTimestamp
    ?? (source === 'mariadb' && session.flags2 !== undefined ? (session.flags2 & MARIADB_EXPLICIT_DEF_TIMESTAMP) !== 0 : undefined);
  // MySQL restricts setting it in a session (SESSION_VARIABLES_ADMIN): left to the target's own value there.
  if (explicitDefaults !== undefined && target === 'mariadb') settings.push(`explicit_defaults_for_timestamp = ${explicitDefaults ? 1 : 0}`);
  return settings.length === 0 ? undefined : { sql: `SET SESSION ${settings.join(', ')}`, dropped };
}
