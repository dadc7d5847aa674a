import { setTimeout as delay } from 'node:timers/promises';

const TRANSIENT_ERRNO = new Set([
  1205, // lock wait timeout
  1213, // deadlock
  1040, // too many connections
  1053, // server shutdown in progress
  1927, // connection killed
  2006, // server has gone away
  2013, // lost connection during query
  4031, // client idle too long (MySQL 8)
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN']);

/** Errors that a later attempt can cure: deadlocks, lock waits, a lost or refused connection. */
export function isTransient(error: unknown): boolean {
  const { errno, code, fatal } = (error ?? {}) as { errno?: number; code?: string; fatal?: boolean };
  return (errno !== undefined && TRANSIENT_ERRNO.has(errno)) || (code !== undefined && TRANSIENT_CODES.has(code)) || (fatal === true && code !== undefined && !code.startsWith('ER_'));
}

export interface RetryOptions {
  /** Wait before the first retry; doubled per attempt up to maxMs. */
  firstMs: number;
  maxMs: number;
  /** Called before each wait, for the log. */
  onRetry: (error: unknown, attempt: number, waitMs: number) => void;
  /**
   * Retrying ends once this is aborted: a wait in progress is cut short for one last attempt at once
   * (a stop still commits what it can), and the error of a failed attempt is thrown.
   */
  stop: AbortSignal;
}

/**
 * Runs `work` until it succeeds or fails with a permanent error. Transient errors are retried for
 * as long as it takes (a target that restarts comes back), with capped exponential backoff.
 */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || options.stop.aborted) throw error;
      const wait = Math.min(options.maxMs, options.firstMs * 2 ** Math.min(attempt - 1, 10));
      options.onRetry(error, attempt, wait);
      await delay(wait, undefined, { signal: options.stop }).catch(() => undefined);
    }
  }
}
