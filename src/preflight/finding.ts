/** The commands a preflight can be run for; what blocks depends on which one the user intends. */
export const INTENTS = ['sync', 'reconcile', 'watch', 'replicate', 'publish', 'apply', 'bidirectional'] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents that tail the source's binlog. */
export const CDC_INTENTS: readonly Intent[] = ['replicate', 'publish', 'bidirectional'];
/** Intents that write rows into the target. */
export const WRITING_INTENTS: readonly Intent[] = ['sync', 'watch', 'replicate', 'apply', 'bidirectional'];

export type Severity = 'blocker' | 'warning' | 'info';
export type ServerRole = 'source' | 'target';

export interface Finding {
  /** Stable identifier for scripts, e.g. `binlog.format`, `privilege.missing`, `table.no-key`. */
  check: string;
  severity: Severity;
  server: ServerRole | 'both';
  table?: string;
  message: string;
  fix?: string;
}

/** A problem is a blocker for the intents that need what is missing and a warning for the rest. */
export function severityFor(intent: Intent, neededBy: readonly Intent[]): Severity {
  return neededBy.includes(intent) ? 'blocker' : 'warning';
}
