import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { redactText } from './redact.js';

export interface ScscErrorOptions {
  /** A hint specific to this occurrence; defaults to the code's documented fix. */
  fix?: string;
  cause?: unknown;
  /** Structured context for --json output and debug logs; must not hold secrets. */
  details?: Record<string, unknown>;
}

/** The one error type of scsc: a documented code, a one-line message and the fix. */
export class ScscError extends Error {
  readonly code: ErrorCode;
  readonly fix: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ScscErrorOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScscError';
    this.code = code;
    this.fix = redactText(options.fix ?? ERROR_CODES[code].fix);
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  /** The single line a user sees: code, what happened, how to fix it. */
  toLine(): string {
    return `error ${this.code}: ${this.message} (fix: ${this.fix})`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, fix: this.fix, details: this.details };
  }
}

export function isScscError(value: unknown): value is ScscError {
  return value instanceof ScscError;
}
