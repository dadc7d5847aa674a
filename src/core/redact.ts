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

/** Deep copy of a JSON-like value with every string redacted and password-like keys masked. */
export function redactValue<T>(value: T): T {
  return redactAny(value) as T;
}

const SECRET_KEY = /^(password|passwd|pwd|secret|token|sasl)$/i;

function redactAny(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactAny);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactAny(v);
    }
    return out;
  }
  return value;
}
