/**
 * A parsed view of `SHOW GRANTS` output: which privileges the current account holds globally, per
 * database (patterns with LIKE wildcards) and per table. Raw grant lines can carry password hashes,
 * so they are never kept or printed.
 */
export interface Grants {
  /**
   * True when the privilege holds on all of the given scope: globally (no database), on every table
   * of `database`, or on the whole table `database`.`table`. Column-level grants never count.
   */
  has(privilege: string, database?: string, table?: string): boolean;
  /** Role names granted to the account (`GRANT role TO user`). */
  roles: string[];
}

interface GrantEntry {
  privileges: Set<string>;
  database: RegExp | undefined;
  table: string | undefined;
}

/** An identifier as SHOW GRANTS prints it: backtick- or quote-escaped, or bare. */
const IDENT = String.raw`(?:\`(?:[^\`]|\`\`)*\`|'(?:[^'\\]|''|\\.)*'|[^\s.,@\`']+)`;
/** A privilege name, optionally followed by a column list: `SELECT`, `SHOW VIEW`, `UPDATE (\`a\`, b)`. */
const PRIVILEGE = String.raw`[A-Z_]+(?: [A-Z_]+)*(?:\s*\((?:\`(?:[^\`]|\`\`)*\`|[^)\`])*\))?`;
const PRIVILEGE_LINE = new RegExp(String.raw`^(GRANT|REVOKE)\s+(${PRIVILEGE}(?:\s*,\s*${PRIVILEGE})*)\s+ON\s+` +
  String.raw`(?:(TABLE|FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE)\s+)?(\*|${IDENT})(?:\.(\*|${IDENT}))?\s+(?:TO|FROM)\s`, 'i');
const ROLE_LINE = new RegExp(String.raw`^GRANT\s+(${IDENT}(?:@${IDENT})?(?:\s*,\s*${IDENT}(?:@${IDENT})?)*)\s+TO\s`, 'i');

export function parseGrants(lines: string[]): Grants {
  const grants: GrantEntry[] = [];
  // MySQL 8 partial revokes (partial_revokes=ON): `REVOKE DELETE ON `mysql`.* FROM u` carves a
  // database out of a global grant.
  const revokes: GrantEntry[] = [];
  const roles: string[] = [];
  for (const line of lines.map((l) => l.trim())) {
    const grant = PRIVILEGE_LINE.exec(line);
    if (grant !== null) {
      const [, verb = '', privilegeList = '', routineKind, first = '', second] = grant;
      if (routineKind !== undefined && routineKind.toUpperCase() !== 'TABLE') continue;
      const scope = parseScope(first, second);
      if (scope === undefined) continue;
      const entry = { privileges: parsePrivileges(privilegeList), ...scope };
      (verb.toUpperCase() === 'REVOKE' ? revokes : grants).push(entry);
      continue;
    }
    if (/^GRANT\s+PROXY\s/i.test(line)) continue;
    const role = ROLE_LINE.exec(line);
    if (role !== null) {
      for (const m of (role[1] ?? '').matchAll(new RegExp(`(${IDENT})(?:@${IDENT})?`, 'g'))) roles.push(unquote(m[1] ?? ''));
    }
  }
  return {
    roles,
    has(privilege, database, table) {
      const wanted = normalise(privilege);
      const holds = (entry: GrantEntry): boolean =>
        entry.privileges.has(wanted) || entry.privileges.has('ALL PRIVILEGES') || entry.privileges.has('ALL');
      const granted = grants.some((entry) => holds(entry) &&
        (entry.database === undefined || (database !== undefined && entry.database.test(database))) &&
        (entry.table === undefined || (table !== undefined && entry.table === table)));
      const revoked = database !== undefined && revokes.some((entry) => holds(entry) && entry.table === undefined &&
        entry.database !== undefined && entry.database.test(database));
      return granted && !revoked;
    },
  };
}

/**
 * Privileges of one grant line. A privilege with a column list (`SELECT (a, b)`) covers only those
 * columns, so it is not a table privilege and is left out.
 */
function parsePrivileges(text: string): Set<string> {
  const privileges = new Set<string>();
  for (const m of text.matchAll(new RegExp(PRIVILEGE, 'gi'))) {
    if (m[0].includes('(')) continue;
    privileges.add(normalise(m[0]));
  }
  return privileges;
}

function normalise(privilege: string): string {
  const upper = privilege.trim().replace(/\s+/g, ' ').toUpperCase();
  // MySQL 8.0.22+ spells REPLICATION SLAVE as REPLICATION REPLICA in places; MariaDB 10.5+ shows
  // REPLICATION CLIENT as BINLOG MONITOR. Treat the aliases as one privilege each.
  if (upper === 'REPLICATION REPLICA') return 'REPLICATION SLAVE';
  if (upper === 'BINLOG MONITOR') return 'REPLICATION CLIENT';
  return upper;
}

function parseScope(first: string, second: string | undefined): Pick<GrantEntry, 'database' | 'table'> | undefined {
  if (first === '*' && (second === undefined || second === '*')) return { database: undefined, table: undefined };
  if (first === '*' || second === undefined) return undefined;
  const database = unquote(first);
  const table = second === '*' ? undefined : unquote(second);
  return { database: table === undefined ? likePattern(database) : exact(database), table };
}

function unquote(identifier: string): string {
  if (identifier.startsWith('`')) return identifier.slice(1, -1).replace(/``/g, '`');
  if (identifier.startsWith("'")) return identifier.slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1');
  return identifier;
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
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
