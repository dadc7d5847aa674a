import { queryRows, str, type Queryable } from './query-rows.js';

export type Flavour = 'mariadb' | 'mysql';

export interface ServerInfo {
  flavour: Flavour;
  /** `10.11.19` / `8.4.3`: numeric part of VERSION(). */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** VERSION() as reported, e.g. `10.11.19-MariaDB-0+deb12u1-log`. */
  versionString: string;
  serverId: number;
  /** Global variables that matter to replication, lower-case names, values as strings. */
  variables: Record<string, string>;
}

const VARIABLES = [
  'log_bin', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'server_id', 'server_uuid',
  'gtid_mode', 'enforce_gtid_consistency', 'gtid_domain_id', 'gtid_strict_mode', 'read_only', 'super_read_only',
  'expire_logs_days', 'binlog_expire_logs_seconds', 'max_allowed_packet', 'version_comment',
  'lower_case_table_names', 'net_write_timeout', 'log_slave_updates', 'log_replica_updates', 'sql_mode',
  'binlog_annotate_row_events', 'binlog_rows_query_log_events', 'default_authentication_plugin',
  'log_bin_compress', 'binlog_transaction_compression', 'binlog_checksum',
];

export async function readServerInfo(db: Queryable): Promise<ServerInfo> {
  const [versionRow] = await queryRows(db, 'SELECT VERSION() AS v');
  const versionString = str(versionRow?.v) ?? '';
  const rows = await queryRows(db, `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${VARIABLES.map(() => '?').join(',')})`, VARIABLES);
  const variables: Record<string, string> = {};
  for (const row of rows) variables[String(str(row.Variable_name)).toLowerCase()] = str(row.Value) ?? '';
  return { ...parseVersion(versionString, variables.version_comment), versionString, serverId: Number(variables.server_id ?? 0), variables };
}

export function parseVersion(versionString: string, comment = ''): Pick<ServerInfo, 'flavour' | 'version' | 'major' | 'minor' | 'patch'> {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(versionString);
  const [major, minor, patch] = match === null ? [0, 0, 0] : [Number(match[1]), Number(match[2]), Number(match[3])];
  const flavour: Flavour = /mariadb/i.test(versionString) || /mariadb/i.test(comment) ? 'mariadb' : 'mysql';
  return { flavour, version: `${major}.${minor}.${patch}`, major, minor, patch };
}

/** True when the server's version is at least the given one (same flavour assumed). */
export function versionAtLeast(info: Pick<ServerInfo, 'major' | 'minor' | 'patch'>, major: number, minor = 0, patch = 0): boolean {
  if (info.major !== major) return info.major > major;
  if (info.minor !== minor) return info.minor > minor;
  return info.patch >= patch;
}

/**
 * Which server a binlog position belongs to: MySQL's server_uuid (generated per data directory),
 * else the server_id (unique within a replication topology). A failover behind the same host name
 * changes it; file names and offsets from another server's binlog name other changes.
 */
export function serverIdentity(info: Pick<ServerInfo, 'flavour' | 'serverId' | 'variables'>): string {
  const uuid = info.variables.server_uuid;
  return info.flavour === 'mysql' && uuid !== undefined && uuid !== '' ? `server_uuid=${uuid}` : `server_id=${info.serverId}`;
}

/** A query whose one column, `identity`, is serverIdentity() of the server that answers it. */
export function serverIdentitySql(flavour: Flavour): string {
  return flavour === 'mysql'
    ? "SELECT IF(@@GLOBAL.server_uuid IS NULL OR @@GLOBAL.server_uuid = '', CONCAT('server_id=', @@GLOBAL.server_id), CONCAT('server_uuid=', @@GLOBAL.server_uuid)) AS identity"
    : "SELECT CONCAT('server_id=', @@GLOBAL.server_id) AS identity";
}
