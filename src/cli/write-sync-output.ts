import { once } from 'node:events';
import { redactText, redactValue } from '../core/redact.js';
import { SqlSpool } from '../reconcile/sql-spool.js';
import type { SyncRunReport } from '../reconcile/sync-run.js';
import type { CliContext } from './cli-context.js';
import { formatSyncReport } from './print-sync-report.js';

/**
 * What sync and reconcile print on stdout: the JSON document (`header` fields first) with --json,
 * else the planned statements with --print-sql (in an order they can run in), then the summary table.
 * Statements are streamed from their spools, so a plan larger than memory prints too.
 */
export async function writeSyncOutput(
  context: CliContext, report: SyncRunReport,
  options: { verb: 'sync' | 'reconcile'; json: boolean; printSql: boolean; readOnly: boolean; header: Record<string, unknown> },
): Promise<void> {
  const write = async (text: string): Promise<void> => {
    if (!context.stdout.write(text)) await once(context.stdout, 'drain');
  };
  if (options.json) {
    await writeJson(write, { ...options.header, ...report });
    return;
  }
  if (options.printSql) {
    for (const t of report.tables) if ('statements' in t) for await (const sql of t.statements) await write(`${sql};\n`);
    for (const t of [...report.tables].reverse()) if ('deferredStatements' in t && t.deferredStatements !== undefined) for await (const sql of t.deferredStatements) await write(`${sql};\n`);
  }
  await write(formatSyncReport(report, options.verb, options.readOnly));
}

/** JSON.stringify(value, null, 2), redacted, with every SqlSpool in it written as an array read from the spool. */
async function writeJson(write: (text: string) => Promise<void>, value: Record<string, unknown>): Promise<void> {
  const spools: SqlSpool[] = [];
  // Spools become marks before redaction (which copies plain objects) and are streamed in their place.
  const marked = (item: unknown): unknown => {
    if (item instanceof SqlSpool) return `${SPOOL_MARK}${spools.push(item) - 1}`;
    if (Array.isArray(item)) return item.map(marked);
    if (item !== null && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, marked(v)]));
    }
    return item;
  };
  const text = JSON.stringify(redactValue(marked(value)), null, 2);
  const marks = new RegExp(`"${JSON.stringify(SPOOL_MARK).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(\\d+)"`, 'g');
  let from = 0;
  for (const match of text.matchAll(marks)) {
    const at = match.index;
    await write(text.slice(from, at));
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^ */.exec(text.slice(lineStart))?.[0] ?? '';
    await writeArray(write, spools[Number(match[1])] as SqlSpool, indent);
    from = at + match[0].length;
  }
  await write(`${text.slice(from)}\n`);
}

async function writeArray(write: (text: string) => Promise<void>, spool: SqlSpool, indent: string): Promise<void> {
  if (spool.length === 0) {
    await write('[]');
    return;
  }
  let separator = '[\n';
  for await (const sql of spool) {
    await write(`${separator}${indent}  ${JSON.stringify(redactText(sql))}`);
    separator = ',\n';
  }
  await write(`\n${indent}]`);
}

/** Stands in for a spool inside the JSON text; no statement or name can contain a NUL. */
const SPOOL_MARK = '\u0000scsc-sql-spool:';
