import type { Finding } from '../preflight/finding.js';
import type { PreflightReport } from '../preflight/run-preflight.js';

const LABEL: Record<Finding['severity'], string> = { blocker: 'BLOCKER', warning: 'WARNING', info: 'info   ' };

/** The human form of a preflight report: servers, then findings with their fixes, then a verdict. */
export function formatPreflight(report: PreflightReport): string {
  const lines: string[] = [`scsc check for ${report.intent}`];
  for (const s of report.servers) {
    const facts = s.reachable
      ? [`${s.flavour === 'mariadb' ? 'MariaDB' : 'MySQL'} ${s.version}`, `server_id ${s.serverId}`, s.tables === undefined ? undefined : `${s.tables} tables`]
      : [`not connected (${s.error ?? 'unknown error'})`];
    lines.push(`  ${s.role.padEnd(7)} ${s.endpoint}  ${facts.filter(Boolean).join(', ')}`);
  }
  lines.push('');
  for (const f of report.findings) {
    const where = [f.server, f.table === undefined ? undefined : `table ${f.table}`].filter(Boolean).join(' ');
    lines.push(`${LABEL[f.severity]}  [${f.check}] ${where}: ${f.message}`);
    if (f.fix !== undefined) lines.push(`         fix: ${f.fix}`);
  }
  const blockers = report.findings.filter((f) => f.severity === 'blocker').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  if (report.findings.length > 0) lines.push('');
  lines.push(blockers === 0
    ? `ready for ${report.intent}: no blockers, ${warnings} warning${warnings === 1 ? '' : 's'}`
    : `not ready for ${report.intent}: ${blockers} blocker${blockers === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
