/**
 * A parsed view of `SHOW GRANTS` output: which privileges the current account holds globally, per
 * database (patterns with LIKE wildcards) and per table. Raw grant lines can carry password hashes,
 * so they are never kept or printed.
 */
export interface Grants {
  has(privilege: string, database?: string, table?: string): boolean;
  /** Role names granted to the account (`GRANT role TO user`). */
  roles: string[];
}

interface GrantEntry {
  privileges: Set<string>;
  database: RegExp | undefined;
  table: string | undefined;
}

const GRANT_LINE = /^GRANT\s+(.+?)\s+ON\s+(?:TABLE\s+)?(\S+)\s+TO\s/i;
const ROLE_LINE = /^GRANT\s+((?:`[^`]+`(?:@`[^`]*`)?\s*,?\s*)+)\s+TO\s/i;

export function parseGrants(lines: string[]): Grants {
  const entries: GrantEntry[] = [];
  const roles: string[] = [];
  for (const line of lines) {
    const grant = GRANT_LINE.exec(line);
    if (grant !== null) {
      const object = grant[2] ?? '';
      if (/^(FUNCTION|PROCEDURE|PACKAGE)/i.test(object)) continue;
      const parsed = parseObject(object);
      if (parsed !== undefined) entries.push({ privileges: parsePrivileges(grant[1] ?? ''), ...parsed });
      continue;
    }
    const role = ROLE_LINE.exec(line);
    if (role !== null) for (const m of (role[1] ?? '').matchAll(/`([^`]+)`/g)) if (m[1] !== undefined) roles.push(m[1]);
  }
  return {
    roles,
    has(privilege, database, table) {
      const wanted = normalise(privilege);
      return entries.some((entry) =>
        (entry.privileges.has(wanted) || entry.privileges.has('ALL PRIVILEGES') || entry.privileges.has('ALL')) &&
        (entry.database === undefined || (database !== undefined && entry.database.test(database))) &&
        (entry.table === undefined || (table !== undefined && entry.table === table)));
    },
  };
}

function parsePrivileges(text: string): Set<string> {
  const withoutColumns = text.replace(/\([^)]*\)/g, '');
  return new Set(withoutColumns.split(',').map(normalise).filter((p) => p.length > 0));
}

function normalise(privilege: string): string {
  const upper = privilege.trim().replace(/\s+/g, ' ').toUpperCase();
  // MySQL 8.0.22+ spells REPLICATION SLAVE as REPLICATION REPLICA in places; MariaDB 10.5+ shows
  // REPLICATION CLIENT as BINLOG MONITOR. Treat the aliases as one privilege each.
  if (upper === 'REPLICATION REPLICA') return 'REPLICATION SLAVE';
  if (upper === 'BINLOG MONITOR') return 'REPLICATION CLIENT';
  return upper;
}

function parseObject(object: string): Pick<GrantEntry, 'database' | 'table'> | undefined {
  if (object === '*.*' || object === '*') return { database: undefined, table: undefined };
  const match = /^(`(?:[^`]|``)+`|[^.`]+)\.(\*|`(?:[^`]|``)+`|[^.`]+)$/.exec(object);
  if (match === null) return undefined;
  const database = unquote(match[1] ?? '');
  const table = match[2] === '*' ? undefined : unquote(match[2] ?? '');
  return { database: table === undefined ? likePattern(database) : exact(database), table };
}

function unquote(identifier: string): string {
  return identifier.startsWith('`') ? identifier.slice(1, -1).replace(/``/g, '`') : identifier;
}

function exact(text: string): RegExp {
  return new RegExp(`^${escapeRegExp(text.replace(/\\([_%])/g, '$1'))}$`);
}

/** Database names in grants are LIKE patterns: `_` and `%` are wildcards unless backslash-escaped. */
function likePattern(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && i + 1 < text.length) source += escapeRegExp(text[++i] ?? '');
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
