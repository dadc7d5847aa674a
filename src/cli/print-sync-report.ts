import type { SyncRunReport, TableOutcome } from '../reconcile/sync-run.js';

const ACTION: Record<string, string> = {
  equal: 'equal', synced: 'synced', copied: 'copied', differs: 'differs', stopped: 'stopped',
  refused: 'REFUSED', 'missing-on-target': 'MISSING', error: 'ERROR',
};

/** The end-of-run summary table of sync / reconcile, one line per table, then totals. */
export function formatSyncReport(report: SyncRunReport, verb: 'sync' | 'reconcile', dryRun: boolean): string {
  const rows = report.tables.map((t) => cells(t));
  const header = ['table', 'result', 'source rows', 'missing', 'extra', 'changed', 'method'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cols: string[]): string => cols.map((c, i) => (i === 0 || i === 1 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const t of report.tables) if (t.reason !== undefined) out.push(`  ${t.table}: ${t.reason}`);
  const sum = (pick: (t: TableOutcome) => number): number => report.tables.reduce((acc, t) => acc + pick(t), 0);
  const copied = sum((t) => (t.reason === undefined && t.method === 'copy' ? t.missing : 0));
  const differing = sum((t) => (t.reason === undefined && t.method === 'diff' ? t.missing + t.extra + t.changed : 0));
  const problems = report.tables.filter((t) => t.reason !== undefined).length;
  out.push('');
  const what = verb === 'sync' ? (dryRun ? 'dry run: nothing written' : 'target updated') : dryRun ? 'read-only' : 'repaired';
  const counts = [copied > 0 ? `${copied} rows ${dryRun ? 'to copy' : 'copied'}` : undefined, `${differing} rows differ`];
  out.push(`${report.tables.length} tables in ${report.seconds.toFixed(1)} s (${what}): ${counts.filter(Boolean).join(', ')}${problems > 0 ? `, ${problems} table${problems > 1 ? 's' : ''} not handled` : ''}`);
  return `${out.join('\n')}\n`;
}

function cells(t: TableOutcome): string[] {
  if (t.reason !== undefined) return [t.table, ACTION[t.status] ?? t.status, '', '', '', '', ''];
  return [t.table, ACTION[t.status] ?? t.status, String(t.sourceRows), String(t.missing), String(t.extra), String(t.changed), t.method];
}

/** True when every selected table ended equal to the source (or was made equal). */
export function allEqual(report: SyncRunReport, applied: boolean): boolean {
  return report.tables.every((t) => t.status === 'equal' || (applied && (t.status === 'synced' || t.status === 'copied')));
}
