import type { Connection } from 'mysql2/promise';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { ERROR_CODES } from '../core/error-codes.js';
import { isScscError } from '../core/scsc-error.js';
import { diffSchemas } from '../core/schema-diff.js';
import type { TableSchema } from '../core/table-schema.js';
import { classifyMysqlError } from '../mysql/classify-mysql-error.js';
import { openConnection } from '../mysql/open-connection.js';
import { queryRows, str } from '../mysql/query-rows.js';
import { introspectDatabase } from '../mysql/schema-introspector.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { readTableTriggers, triggersReason } from '../mysql/table-triggers.js';
import { isScscTable } from '../core/table-filter.js';
import { readServerInfo, versionAtLeast, type ServerInfo } from '../mysql/server-info.js';
import { binlogFindings, isOn } from './binlog-checks.js';
import { CDC_INTENTS, WRITING_INTENTS, severityFor, type Finding, type Intent, type ServerRole } from './finding.js';
import { parseGrants, type Grants } from './grants.js';
import { privilegeFindings } from './privilege-checks.js';
import { schemaDiffFindings, tableFindings } from './table-checks.js';
import { countPreparedXa } from '../source/prepared-xa.js';

export interface PreflightOptions {
  intent: Intent;
  source?: DatabaseUrl;
  target?: DatabaseUrl;
}

export interface ServerSummary {
  role: ServerRole;
  endpoint: string;
  reachable: boolean;
  /** Error code when scsc could not connect or log in. */
  error?: string;
  flavour?: string;
  version?: string;
  serverId?: number;
  database?: string;
  tables?: number;
}

export interface PreflightReport {
  intent: Intent;
  ok: boolean;
  servers: ServerSummary[];
  findings: Finding[];
}

interface Inspected {
  role: ServerRole;
  url: DatabaseUrl;
  info: ServerInfo;
  grants: Grants;
  account: string;
  tables: TableSchema[] | undefined;
  /** XA transactions prepared and undecided on the server (XA RECOVER); undefined when it may not be listed. */
  preparedXa: number | undefined;
  /** Triggers by table in the URL's database. */
  triggers: Map<string, string[]>;
}

/** Inspects the servers the intended command will use and lists what blocks it, each with its fix. */
export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  const roles: Array<[ServerRole, DatabaseUrl]> = [];
  if (options.source !== undefined) roles.push(['source', options.source]);
  if (options.target !== undefined) roles.push(['target', options.target]);

  const findings: Finding[] = [];
  const servers: ServerSummary[] = [];
  const results = await Promise.all(roles.map(([role, url]) => inspect(role, url)));
  const inspected: Inspected[] = [];
  for (const result of results) {
    servers.push(result.summary);
    if (result.inspected !== undefined) inspected.push(result.inspected);
    else if (result.failure !== undefined) findings.push(result.failure);
  }

  for (const server of inspected) findings.push(...serverFindings(server, options.intent));
  const source = inspected.find((s) => s.role === 'source');
  const target = inspected.find((s) => s.role === 'target');
  if (source !== undefined && target !== undefined) for (const finding of pairFindings(source, target, options.intent)) findings.push(finding);

  findings.sort((a, b) => rank(a.severity) - rank(b.severity));
  return { intent: options.intent, ok: !findings.some((f) => f.severity === 'blocker'), servers, findings };
}

async function inspect(role: ServerRole, url: DatabaseUrl): Promise<{ summary: ServerSummary; inspected?: Inspected; failure?: Finding }> {
  const endpoint = describeEndpoint(url);
  const summary: ServerSummary = { role, endpoint, reachable: false, ...(url.database === undefined ? {} : { database: url.database }) };
  let connection: Connection | undefined;
  try {
    connection = await openConnection(url, role);
    const info = await readServerInfo(connection);
    const [grantLines, account] = await readGrants(connection, info);
    const tables = url.database === undefined ? undefined : await introspectDatabase(connection, url.database);
    const preparedXa = await countPreparedXa(connection);
    const triggers = url.database === undefined ? new Map<string, string[]>() : await readTableTriggers(connection, url.database);
    Object.assign(summary, { reachable: true, flavour: info.flavour, version: info.version, serverId: info.serverId, ...(tables === undefined ? {} : { tables: tables.length }) });
    return { summary, inspected: { role, url, info, grants: parseGrants(grantLines), account, tables, preparedXa, triggers } };
  } catch (error) {
    if (isScscError(error) && error.exitCode === ERROR_CODES.USAGE.exit) throw error;
    const failure = isScscError(error) ? error : classifyMysqlError(error, `${role} ${endpoint}`);
    summary.error = failure.code;
    return { summary, failure: { check: `connect.${failure.code.toLowerCase()}`, severity: 'blocker', server: role, message: failure.message, fix: failure.fix } };
  } finally {
    await connection?.end().catch(() => undefined);
  }
}

async function readGrants(connection: Connection, info: ServerInfo): Promise<[string[], string]> {
  const [current] = await queryRows(connection, 'SELECT CURRENT_USER() AS account');
  const raw = str(current?.account) ?? '';
  const at = raw.lastIndexOf('@');
  const account = at < 0 ? `'${raw}'` : `'${raw.slice(0, at)}'@'${raw.slice(at + 1)}'`;
  let sql = 'SHOW GRANTS';
  if (info.flavour === 'mysql' && versionAtLeast(info, 8, 0)) {
    const [role] = await queryRows(connection, 'SELECT CURRENT_ROLE() AS r');
    const roles = str(role?.r);
    if (roles !== undefined && roles !== 'NONE' && roles !== '') sql = `SHOW GRANTS FOR CURRENT_USER() USING ${roles}`;
  }
  const rows = await queryRows(connection, sql);
  return [rows.map((row) => str(Object.values(row)[0]) ?? ''), account];
}

function serverFindings(server: Inspected, intent: Intent): Finding[] {
  const findings: Finding[] = [];
  const { role, info } = server;
  const readsBinlog = role === 'source' || intent === 'bidirectional';
  const database = server.url.database;
  if (readsBinlog && intent !== 'apply') findings.push(...binlogFindings(info, role, intent));
  if (readsBinlog && CDC_INTENTS.includes(intent) && server.preparedXa === undefined) {
    findings.push({
      check: 'xa.unlisted', severity: 'info', server: role,
      message: 'XA RECOVER is refused to this account: prepared, undecided XA transactions (whose rows a first snapshot cannot see) are not checked',
      fix: info.flavour === 'mysql' ? 'GRANT XA_RECOVER_ADMIN ON *.* TO the account, or run XA RECOVER as an administrator' : 'run XA RECOVER as an administrator before the first start',
    });
  }
  if (readsBinlog && CDC_INTENTS.includes(intent) && (server.preparedXa ?? 0) > 0) {
    findings.push({
      check: 'xa.prepared', severity: 'warning', server: role,
      message: `${server.preparedXa} XA transaction(s) prepared and undecided (any database): a first start's snapshot cannot see their rows, nor can the stream after it; if one commits and changed replicated tables, the target misses those rows`,
      fix: 'XA RECOVER lists them: XA COMMIT or XA ROLLBACK them before the first start, or run scsc reconcile --repair after they commit',
    });
  }
  findings.push(...privilegeFindings(server.grants, role, intent, database, server.account));
  if (intent === 'bidirectional') findings.push(...privilegeFindings(server.grants, role === 'source' ? 'target' : 'source', intent, database, server.account).map((f) => ({ ...f, server: role })));
  if ((info.flavour === 'mariadb' && !versionAtLeast(info, 10, 3)) || (info.flavour === 'mysql' && !versionAtLeast(info, 5, 7))) {
    findings.push({ check: 'server.version', severity: 'warning', server: role, message: `${info.flavour} ${info.version} is older than scsc supports (MariaDB 10.3+, MySQL 5.7+)`, fix: 'upgrade the server' });
  }
  if ((role === 'target' || intent === 'bidirectional') && refusesWrites(server)) {
    findings.push({ check: 'server.read-only', severity: severityFor(intent, WRITING_INTENTS), server: role, message: `the server is ${isOn(info.variables.super_read_only) ? 'super_read_only' : 'read_only'}: writes by this account will be refused`, fix: 'SET GLOBAL read_only = OFF (and super_read_only = OFF on MySQL), or point the URL at the primary' });
  }
  if (database === undefined) {
    findings.push({
      check: 'url.no-database', severity: intent === 'publish' ? 'warning' : 'blocker', server: role,
      message: 'no database in the URL: table, key and database privilege checks cannot run', fix: `add the database to the URL: ${server.url.display}/<database>`,
    });
  } else if (server.tables !== undefined && (role === 'source' || intent === 'bidirectional')) {
    findings.push(...tableFindings(server.tables, role));
  }
  if ((role === 'target' || intent === 'bidirectional') && WRITING_INTENTS.includes(intent)) {
    for (const [table, names] of server.triggers) {
      if (isScscTable(table)) continue;
      findings.push({
        check: 'table.target-triggers', severity: 'blocker', server: role, table,
        message: `${triggersReason(table, names)} (a native replica does not run them for replicated rows): scsc refuses the table`,
        fix: `drop them on the target (DROP TRIGGER ${names.map(quoteIdentifier).join(', ')}), exclude the table, or pass --fire-triggers if they are meant to run`,
      });
    }
  }
  return findings;
}

/**
 * read_only stops writes except by accounts allowed to bypass it: SUPER on MySQL (and MariaDB before
 * 10.11), READ_ONLY ADMIN on MariaDB 10.11+; MySQL's super_read_only stops every account.
 */
function refusesWrites(server: Inspected): boolean {
  const { info, grants } = server;
  if (isOn(info.variables.super_read_only)) return true;
  if (!isOn(info.variables.read_only)) return false;
  if (info.flavour === 'mariadb') return !grants.has(versionAtLeast(info, 10, 11) ? 'READ_ONLY ADMIN' : 'SUPER');
  return !grants.has('SUPER') && !grants.has('CONNECTION_ADMIN');
}

function pairFindings(source: Inspected, target: Inspected, intent: Intent): Finding[] {
  const findings: Finding[] = [];
  if (source.info.serverId === target.info.serverId) {
    findings.push({
      check: 'server-id.conflict', severity: severityFor(intent, [...CDC_INTENTS, 'apply']), server: 'both',
      message: `source and target share server_id ${source.info.serverId}: either they are the same server or the ids clash, and loop filtering by origin cannot work`,
      fix: 'give every server a unique server_id (SET GLOBAL server_id = N and in the server config)',
    });
  }
  if (source.tables !== undefined && target.tables !== undefined) {
    for (const finding of schemaDiffFindings(diffSchemas(source.tables, target.tables), intent)) findings.push(finding); // one per differing column: can be many
  }
  return findings;
}

function rank(severity: Finding['severity']): number {
  return severity === 'blocker' ? 0 : severity === 'warning' ? 1 : 2;
}
