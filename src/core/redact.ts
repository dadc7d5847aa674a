/**
 * Secret scrubbing for everything scsc prints. Passwords are registered when URLs are parsed, and
 * every message, log line and JSON document goes through redactText before it leaves the process,
 * so a password quoted back by a server or a library is masked too.
 */
export const REDACTED = '***';

const secrets = new Set<string>();

export function registerSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length > 0) {
    secrets.add(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) secrets.add(encoded);
  }
}

// The password runs to the '@' that starts the host part (the '@' followed by host:port and then no
// further '@'), so a password holding a raw, unencoded '@' is masked whole rather than up to its own '@'.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):(\S*?)@(?=[\w.:[\]%-]*(?:[^\w.:[\]%@-]|$))/gi;
// Documentation examples such as mysql://user:password@host stay readable; a real password that happens to
// be the word "password" is still masked by the registered-secret pass below.
const PLACEHOLDER = /^pass(?:word)?$/i;
const PASSWORD_PARAM = /((?:password|passwd|pwd)=)([^&\s]+)/gi;

export function redactText(text: string): string {
  let out = text
    .replace(URL_CREDENTIALS, (whole, prefix: string, password: string) =>
      PLACEHOLDER.test(password) ? whole : `${prefix}:${REDACTED}@`,
    )
    .replace(PASSWORD_PARAM, `$1${REDACTED}`);
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Deep copy of a JSON-like value with every string redacted and password-like keys masked. Errors
 * stay Errors (message, stack, code and cause redacted) and cycles are cut, so anything a caller
 * hands the logger can be printed.
 */
export function redactValue<T>(value: T): T {
  return redactAny(value, new WeakSet()) as T;
}

const SECRET_KEY = /^(password|passwd|pwd|secret|token|sasl)$/i;

function redactAny(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return redactError(value, seen);
  if (Array.isArray(value)) return value.map((item) => redactAny(item, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactAny(v, seen);
  }
  return out;
}

function redactError(error: Error, seen: WeakSet<object>): Error {
  const copy = new Error(redactText(error.message));
  copy.name = error.name;
  copy.stack = redactText(error.stack ?? '');
  for (const [k, v] of Object.entries(error)) {
    (copy as unknown as Record<string, unknown>)[k] = SECRET_KEY.test(k) ? REDACTED : redactAny(v, seen);
  }
  if (error.cause !== undefined) copy.cause = redactAny(error.cause, seen);
  return copy;
}
