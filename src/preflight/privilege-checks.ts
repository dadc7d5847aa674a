import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { CDC_INTENTS, WRITING_INTENTS, severityFor, type Finding, type Intent, type ServerRole } from './finding.js';
import type { Grants } from './grants.js';

interface PrivilegeNeed {
  privilege: string;
  scope: 'global' | 'database';
  neededBy: readonly Intent[];
  why: string;
}

const SOURCE_NEEDS: PrivilegeNeed[] = [
  { privilege: 'SELECT', scope: 'database', neededBy: ['sync', 'reconcile', 'watch', 'replicate', 'publish', 'bidirectional'], why: 'read rows and hash chunks' },
  { privilege: 'REPLICATION SLAVE', scope: 'global', neededBy: CDC_INTENTS, why: 'read the binlog' },
  { privilege: 'REPLICATION CLIENT', scope: 'global', neededBy: CDC_INTENTS, why: 'read binlog positions (SHOW MASTER STATUS)' },
];

const TARGET_NEEDS: PrivilegeNeed[] = [
  { privilege: 'SELECT', scope: 'database', neededBy: ['sync', 'reconcile', 'watch', 'replicate', 'apply', 'bidirectional'], why: 'compare rows' },
  { privilege: 'INSERT', scope: 'database', neededBy: WRITING_INTENTS, why: 'write rows' },
  { privilege: 'UPDATE', scope: 'database', neededBy: WRITING_INTENTS, why: 'write rows' },
  { privilege: 'DELETE', scope: 'database', neededBy: WRITING_INTENTS, why: 'delete rows' },
  { privilege: 'CREATE', scope: 'database', neededBy: [], why: 'create the _scsc_checkpoint, _scsc_definitions and _scsc_ddl tables and missing tables' },
];

/**
 * Compares the account's grants with what the intended command needs. `account` is the
 * `'user'@'host'` form of CURRENT_USER(), used in the GRANT statement of the fix.
 */
export function privilegeFindings(grants: Grants, role: ServerRole, intent: Intent, database: string | undefined, account: string): Finding[] {
  const needs = role === 'source' ? SOURCE_NEEDS : TARGET_NEEDS;
  const findings: Finding[] = [];
  // One finding per scope and severity, so a missing CREATE (a warning) does not read as blocking.
  const missingByScope = new Map<string, { on: string; privileges: string[]; severity: Finding['severity']; whys: string[] }>();
  for (const need of needs) {
    if (need.scope === 'database' && database === undefined) continue;
    if (grants.has(need.privilege, need.scope === 'database' ? database : undefined)) continue;
    const applies = need.neededBy.length === 0 ? intentWrites(intent) : true;
    if (!applies) continue;
    const severity = need.neededBy.length === 0 ? 'warning' : severityFor(intent, need.neededBy);
    const on = need.scope === 'global' ? '*.*' : `${quoteIdentifier(database ?? '')}.*`;
    const group = `${on}\u0000${severity}`;
    const entry = missingByScope.get(group) ?? { on, privileges: [], severity, whys: [] };
    entry.privileges.push(need.privilege);
    entry.whys.push(need.why);
    missingByScope.set(group, entry);
  }
  for (const { on, ...entry } of missingByScope.values()) {
    findings.push({
      check: 'privilege.missing',
      severity: entry.severity,
      server: role,
      message: `missing ${entry.privileges.join(', ')} on ${on} (needed to ${[...new Set(entry.whys)].join(', ')})`,
      fix: `GRANT ${entry.privileges.join(', ')} ON ${on} TO ${account}`,
    });
  }
  return findings;
}

function intentWrites(intent: Intent): boolean {
  return WRITING_INTENTS.includes(intent);
}
