import type { DETECTORS } from '../config/config-schema.js';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { ScscError } from '../core/scsc-error.js';
import { classifyMysqlError } from '../mysql/classify-mysql-error.js';
import { openConnection } from '../mysql/open-connection.js';
import type { Logger } from '../observability/logger.js';
import { readBinlogSignature } from './binlog-signature.js';
import { readContentSignature } from './content-signature.js';
import { describeSignatureChange, type Signature } from './signature.js';
import { readStateEntry, stateKey, writeStateEntry } from './state-file.js';
import { requireDatabases } from '../config/require-databases.js';

export type DetectorSetting = (typeof DETECTORS)[number];

export interface ChangeCheckRequest {
  detector: DetectorSetting;
  /** The state file (relative paths resolve against the process's working directory). */
  statePath: string;
  source: DatabaseUrl;
  target: DatabaseUrl;
  /** The table selection of the sync, as given (names or globs); part of the state key. */
  include: readonly string[];
  exclude: readonly string[];
  logger?: Logger;
}

export interface ChangeCheck {
  /** True when the selected source tables may have changed since the last successful sync. */
  changed: boolean;
  /** The detector that produced the answer: `auto` resolves to binlog or content. */
  detector: 'binlog' | 'content' | 'off';
  /** One line for logs and summaries: what changed, or since when nothing has. */
  reason: string;
  /**
   * Stores the signature read by this check as the last synced one. Call it only after a sync that
   * left every selected table equal: the signature was read before the sync, so a write that lands
   * during the sync makes the next check report a change.
   */
  commit(): Promise<void>;
}

/**
 * The one entry point for commands: reads the source's change signature with the configured detector
 * and compares it with the one stored for this source, target and table selection. `off` reports a
 * change every time and never touches the state file. A corrupt state file, an unusable
 * `--detector binlog` or an unreachable source are ScscErrors.
 */
export async function checkForChanges(request: ChangeCheckRequest): Promise<ChangeCheck> {
  if (request.detector === 'off') {
    return { changed: true, detector: 'off', reason: 'change detection is off (--detector off)', commit: () => Promise.resolve() };
  }
  const { source, target, logger } = request;
  const databases = requireDatabases(source, target);
  const key = stateKey({ source, target, include: request.include, exclude: request.exclude });
  const previous = await readStateEntry(request.statePath, key);
  const { signature, note } = await readSignature(request, databases.source);
  logger?.debug({ detector: signature.detector, signature, previous: previous?.signature }, 'change signature read');

  let changed = true;
  let reason: string;
  if (previous === undefined) {
    reason = 'no signature stored yet for this source, target and table selection';
  } else {
    const change = describeSignatureChange(previous.signature, signature);
    changed = change !== undefined;
    reason = change ?? `${signature.detector} signature unchanged since the sync of ${previous.updatedAt}`;
  }
  return {
    changed,
    detector: signature.detector,
    reason: note === undefined ? reason : `${reason} (${note})`,
    commit: () => writeStateEntry(request.statePath, key, { signature, updatedAt: new Date().toISOString() }),
  };
}

async function readSignature(request: ChangeCheckRequest, database: string): Promise<{ signature: Signature; note?: string }> {
  const where = `source ${describeEndpoint(request.source)}`;
  const connection = await openConnection(request.source, 'source');
  try {
    if (request.detector === 'content') {
      return { signature: await readContentSignature(connection, database, request.include, request.exclude) };
    }
    const binlog = await readBinlogSignature(connection, database);
    if (binlog.ok) return { signature: binlog.signature };
    if (request.detector === 'binlog') {
      throw new ScscError('DETECTOR_UNAVAILABLE', `--detector binlog: the binlog of the ${where} cannot be used: ${binlog.reason}`, {
        fix: 'enable the binlog on the source (log_bin, and BINLOG MONITOR / REPLICATION CLIENT for the user), or use --detector content or auto',
        details: { detector: 'binlog', reason: binlog.reason },
      });
    }
    request.logger?.debug({ reason: binlog.reason }, 'binlog position not usable; using content signatures');
    return {
      signature: await readContentSignature(connection, database, request.include, request.exclude),
      note: `binlog not usable: ${binlog.reason}`,
    };
  } catch (error) {
    throw classifyMysqlError(error, where);
  } finally {
    await connection.end().catch(() => undefined);
  }
}
