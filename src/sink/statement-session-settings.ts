import { escape } from 'mysql2';
import type { StatementSession } from '../core/change-event.js';
import type { Flavour, ServerInfo } from '../mysql/server-info.js';
import { sqlModeNames } from '../mysql/sql-mode.js';

/** MariaDB keeps explicit_defaults_for_timestamp in the event's flags2 (MySQL in a variable of its own). */
const MARIADB_EXPLICIT_DEF_TIMESTAMP = 1 << 24;

export interface SessionServers {
  source: Flavour;
  target: Flavour;
  /** MariaDB writes explicit_defaults_for_timestamp into flags2 from 10.5.17, 10.6.9, 10.7.5, 10.8.4, 10.9.2 and 10.10 on (MDEV-29078); before, the bit is always clear. */
  sourceLogsExplicitDefaults: boolean;
}

/** One setting of the source session for the target's: its forms to try in order (an older target may refuse the first). */
export interface SessionSetting {
  variable: string;
  /** `variable = value` assignments, the most exact first. */
  forms: string[];
  /** What the last form leaves out (sql_mode names), to say so when it is the one taken. */
  dropped?: string[];
  /** Without it the statement would mean something else in a way nobody could tell: a target that refuses every form stops the DDL. */
  required?: true;
}

/**
 * The settings a source statement ran under (its query event's), for the target session that runs
 * it, as native replication applies them: sql_mode (ANSI_QUOTES, PIPES_AS_CONCAT, NO_BACKSLASH_ESCAPES
 * and strictness change what a DDL means), collation_connection (string literals; the text itself
 * was decoded from the client's character set and goes as utf8mb4), time_zone (TIMESTAMP literals),
 * timestamp (NOW() and CURRENT_TIMESTAMP, which fill the rows a new column's default reaches) and
 * explicit_defaults_for_timestamp (what a bare TIMESTAMP column becomes). Between flavours sql_mode
 * goes by name, and collation ids, which differ, are left out.
 */
export function statementSessionSettings(session: StatementSession | undefined, sql: string, servers: SessionServers): SessionSetting[] {
  if (session === undefined) return [];
  const { source, target } = servers;
  const settings: SessionSetting[] = [];
  if (session.sqlMode !== undefined) {
    const mode = BigInt(session.sqlMode);
    const named = sqlModeNames(mode, source, target);
    const portable = sqlModeNames(mode, source, target, true);
    settings.push({
      variable: 'sql_mode',
      forms: [...(source === target ? [`sql_mode = ${mode.toString()}`] : []), `sql_mode = ${escape(named.names.join(','))}`, `sql_mode = ${escape(portable.names.join(','))}`],
      dropped: portable.dropped,
    });
  }
  const byCharset = session.connectionCharset === undefined ? [] : [`character_set_connection = ${escape(session.connectionCharset)}`];
  if (session.collationConnection !== undefined && source === target) settings.push({ variable: 'collation_connection', forms: [`collation_connection = ${session.collationConnection}`, ...byCharset] });
  else if (byCharset.length > 0) settings.push({ variable: 'character_set_connection', forms: byCharset });
  if (session.timeZone !== undefined) settings.push({ variable: 'time_zone', forms: [`time_zone = ${escape(session.timeZone)}`], required: true });
  if (session.startedAt !== undefined) {
    const micros = session.microseconds === undefined ? '' : `.${String(session.microseconds).padStart(6, '0')}`;
    settings.push({ variable: 'timestamp', forms: [`timestamp = ${session.startedAt}${micros}`] });
  }
  const explicitDefaults = session.explicitDefaultsForTimestamp
    ?? (servers.sourceLogsExplicitDefaults && session.flags2 !== undefined ? (session.flags2 & MARIADB_EXPLICIT_DEF_TIMESTAMP) !== 0 : undefined);
  // Only where it can matter: older MariaDB targets have it global only, and MySQL 8 lets a session set
  // it only with SESSION_VARIABLES_ADMIN (refused, the target's own value stands, and a warning says so).
  if (explicitDefaults !== undefined && /\bTIMESTAMP\b/i.test(sql)) settings.push({ variable: 'explicit_defaults_for_timestamp', forms: [`explicit_defaults_for_timestamp = ${explicitDefaults ? 1 : 0}`] });
  return settings;
}

/** Whether a source server writes MariaDB's explicit_defaults_for_timestamp bit into its query events (MDEV-29078). */
export function logsExplicitDefaults(server: Pick<ServerInfo, 'flavour' | 'major' | 'minor' | 'patch'>): boolean {
  if (server.flavour !== 'mariadb') return false;
  const since: Record<string, number> = { '10.5': 17, '10.6': 9, '10.7': 5, '10.8': 4, '10.9': 2 };
  const patch = since[`${server.major}.${server.minor}`];
  return patch !== undefined ? server.patch >= patch : server.major > 10 || (server.major === 10 && server.minor >= 10);
}
