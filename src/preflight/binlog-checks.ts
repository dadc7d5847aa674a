import type { ServerInfo } from '../mysql/server-info.js';
import { versionAtLeast } from '../mysql/server-info.js';
import { CDC_INTENTS, severityFor, type Finding, type Intent, type ServerRole } from './finding.js';

/** What the binlog of a server that scsc tails must look like (ROW, FULL image, readable events). */
export function binlogFindings(info: ServerInfo, role: ServerRole, intent: Intent): Finding[] {
  const v = info.variables;
  const severity = severityFor(intent, CDC_INTENTS);
  const cnf = info.flavour === 'mariadb' ? 'the [mariadb] section of the server config' : 'my.cnf [mysqld]';
  const findings: Finding[] = [];
  const add = (check: string, message: string, fix: string, level = severity): void => {
    findings.push({ check, severity: level, server: role, message, fix });
  };

  if (!isOn(v.log_bin)) {
    add('binlog.off', 'the binary log is off: change data capture cannot read changes',
      `enable it in ${cnf}: log_bin=mysql-bin, binlog_format=ROW, binlog_row_image=FULL, a unique server_id; then restart the server${intent === 'sync' || intent === 'watch' || intent === 'reconcile' ? ' (sync/watch fall back to content signatures without it)' : ''}`);
    return findings;
  }
  if ((v.binlog_format ?? '').toUpperCase() !== 'ROW') {
    add('binlog.format', `binlog_format is ${v.binlog_format ?? 'unknown'}, not ROW: row events are missing for statement-logged changes`,
      `SET GLOBAL binlog_format = 'ROW' and add binlog_format=ROW to ${cnf} (sessions opened before keep the old format)`);
  }
  if ((v.binlog_row_image ?? 'FULL').toUpperCase() !== 'FULL') {
    add('binlog.row-image', `binlog_row_image is ${v.binlog_row_image}, not FULL: updates lack the full before/after rows`,
      `SET GLOBAL binlog_row_image = 'FULL' and add binlog_row_image=FULL to ${cnf}`);
  }
  const metadata = (v.binlog_row_metadata ?? '').toUpperCase();
  if (CDC_INTENTS.includes(intent) && carriesRowMetadata(info) && metadata !== 'FULL') {
    add('binlog.row-metadata', `binlog_row_metadata is ${metadata || 'unknown'}: the binlog names neither columns nor ENUM/SET values, and scsc decodes rows with the definitions it read and recorded: rows logged before an ALTER/RENAME/DROP are decoded with the table's later definition when scsc read the table only after that DDL (a second DDL while scsc was stopped, or DDL right after DDL) and the target cannot stand in (with --ddl apply, a target of the same flavour whose table matched the source's shows what the DDL left): wrong values where it renamed columns or changed ENUM/SET values (scsc warns when this happens)`,
      `SET GLOBAL binlog_row_metadata = 'FULL' and add binlog_row_metadata=FULL to ${cnf}`, 'warning');
  }
  if (isOn(v.log_bin_compress)) {
    add('binlog.compressed', 'log_bin_compress is ON: compressed binlog events cannot be decoded by the binlog reader',
      `SET GLOBAL log_bin_compress = OFF and remove it from ${cnf}`);
  }
  if (isOn(v.binlog_transaction_compression)) {
    add('binlog.compressed', 'binlog_transaction_compression is ON: compressed transaction payloads cannot be decoded by the binlog reader',
      `SET GLOBAL binlog_transaction_compression = OFF and remove it from ${cnf}`);
  }
  if (info.flavour === 'mysql' && (v.gtid_mode ?? 'OFF').toUpperCase() !== 'ON') {
    add('binlog.gtid', `gtid_mode is ${v.gtid_mode ?? 'OFF'}: resume positions fall back to file+offset, which do not survive a failover`,
      'set gtid_mode=ON and enforce_gtid_consistency=ON (in steps: OFF_PERMISSIVE, ON_PERMISSIVE, ON)', 'warning');
  }
  if (info.serverId === 0) {
    add('server-id.zero', 'server_id is 0: the server refuses replication clients', `set a unique non-zero server_id in ${cnf}`);
  }
  const retentionSeconds = binlogRetentionSeconds(info);
  if (retentionSeconds !== undefined && retentionSeconds > 0 && retentionSeconds < 86_400) {
    add('binlog.retention', `binary logs are purged after ${Math.round(retentionSeconds / 3600)} h: a replicator stopped longer than that must re-snapshot`,
      'keep binlogs for at least a day: SET GLOBAL binlog_expire_logs_seconds = 604800 (or expire_logs_days = 7)', 'warning');
  }
  return findings;
}

function binlogRetentionSeconds(info: ServerInfo): number | undefined {
  const seconds = Number(info.variables.binlog_expire_logs_seconds ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds > 0) return seconds;
  const days = Number(info.variables.expire_logs_days ?? Number.NaN);
  if (Number.isFinite(days) && days > 0) return days * 86_400;
  return undefined;
}

export function isOn(value: string | undefined): boolean {
  return value !== undefined && ['ON', '1', 'TRUE', 'YES'].includes(value.toUpperCase());
}

/** MariaDB 10.5+ and MySQL 8.0+ can log column names and types with every row event. */
function carriesRowMetadata(info: ServerInfo): boolean {
  return info.flavour === 'mariadb' ? versionAtLeast(info, 10, 5) : versionAtLeast(info, 8, 0, 1);
}
