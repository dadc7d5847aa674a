import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { ScscError } from '../core/scsc-error.js';
import type { Signature } from './signature.js';

export const STATE_FILE_VERSION = 1;

/** The last signature stored for one sync (source + target + table selection). */
export interface StateEntry {
  signature: Signature;
  /** ISO time of the successful sync that stored it. */
  updatedAt: string;
}

export interface StateDocument {
  version: typeof STATE_FILE_VERSION;
  entries: Record<string, StateEntry>;
}

const signatureSchema = z.discriminatedUnion('detector', [
  z.object({ detector: z.literal('binlog'), position: z.string() }),
  z.object({ detector: z.literal('content'), tables: z.record(z.string(), z.string()) }),
]);
const documentSchema = z.object({
  version: z.literal(STATE_FILE_VERSION),
  entries: z.record(z.string(), z.object({ signature: signatureSchema, updatedAt: z.string() })),
});

export interface StateKeyParts {
  source: DatabaseUrl;
  target: DatabaseUrl;
  include: readonly string[];
  exclude: readonly string[];
}

/**
 * The entry key of one sync: source and target as `user@host:port/db` (never a password) and the
 * table selection, include/exclude sorted and de-duplicated since their order does not change what is
 * selected. A JSON array, so no table name or host can make two different syncs share a key.
 */
export function stateKey(parts: StateKeyParts): string {
  const norm = (list: readonly string[]): string[] => [...new Set(list)].sort();
  return JSON.stringify([describeEndpoint(parts.source), describeEndpoint(parts.target), { include: norm(parts.include), exclude: norm(parts.exclude) }]);
}

/** The whole state file; a missing file is an empty document, anything unreadable is a ScscError. */
export async function readStateFile(path: string): Promise<StateDocument> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: STATE_FILE_VERSION, entries: {} };
    throw unreadable(absolute, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw unreadable(absolute, `is not valid JSON (${(error as Error).message})`, error);
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const version = (json as { version?: unknown } | null)?.version;
    const problem = typeof version === 'number' && version !== STATE_FILE_VERSION
      ? `has version ${version}; this scsc reads version ${STATE_FILE_VERSION}`
      : `is not an scsc state file (${parsed.error.issues[0]?.path.join('.') || 'document'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`;
    throw unreadable(absolute, problem);
  }
  return parsed.data;
}

export async function readStateEntry(path: string, key: string): Promise<StateEntry | undefined> {
  return (await readStateFile(path)).entries[key];
}

/**
 * Stores one entry, keeping the others: re-reads the file, then writes a temp file next to it, syncs
 * it and renames it over the old one, so a crash leaves either the old or the new file, never half of
 * one. Two processes committing at once may lose one of their updates; that costs one extra sync.
 */
export async function writeStateEntry(path: string, key: string, entry: StateEntry): Promise<void> {
  const absolute = resolve(path);
  const document = await readStateFile(absolute);
  document.entries[key] = entry;
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const temp = `${absolute}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(absolute), { recursive: true });
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, absolute);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new ScscError('STATE_FILE_UNUSABLE', `cannot write the state file ${absolute} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
      fix: `make ${dirname(absolute)} writable, or choose another file with --state`,
      details: { path: absolute },
    });
  }
}

function unreadable(path: string, problem: string, cause?: unknown): ScscError {
  return new ScscError('STATE_FILE_UNUSABLE', `the state file ${path} ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
    fix: `delete ${path} (it only holds change signatures; the next run then syncs in full and writes a new one), or point --state elsewhere`,
    details: { path },
  });
}
