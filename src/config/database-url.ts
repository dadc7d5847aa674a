import { REDACTED, redactText, registerSecret } from '../core/redact.js';
import { ScscError } from '../core/scsc-error.js';
import { DURATION_SYNTAX, parseDuration } from './duration.js';

export const TLS_MODES = ['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

export interface DatabaseUrl {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string | undefined;
  tls: { mode: TlsMode; ca?: string; cert?: string; key?: string };
  connectTimeoutMs: number;
  charset: string;
  /** The URL with the password masked, for messages and logs. */
  display: string;
}

export const DEFAULT_PORT = 3306;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_CHARSET = 'utf8mb4';

const SCHEME = /^(?:mysql|mariadb)(?:\+(?:pymysql|mysqldb|mysqlconnector|mariadbconnector))?$/;
const ACCEPTED_SCHEMES = 'mysql://, mariadb://, mysql+pymysql://, mysql+mysqldb://, mysql+mysqlconnector://';

type OptionName = 'ssl-mode' | 'ssl-ca' | 'ssl-cert' | 'ssl-key' | 'connect-timeout' | 'charset';

/** Keys are compared lower-cased with `_` read as `-`. */
const OPTION_NAMES: Record<string, OptionName> = {
  'ssl-mode': 'ssl-mode',
  sslmode: 'ssl-mode',
  'ssl-ca': 'ssl-ca',
  ca: 'ssl-ca',
  'ssl-cert': 'ssl-cert',
  'ssl-key': 'ssl-key',
  'connect-timeout': 'connect-timeout',
  charset: 'charset',
};
const ACCEPTED_OPTIONS =
  'ssl-mode (or sslmode, ssl_mode), ssl-ca (or ssl_ca, ca), ssl-cert, ssl-key, connect-timeout, charset';

/**
 * Parses a MySQL/MariaDB URL. `field` names where the URL came from (`--source`, `SCSC_SOURCE_URL`, ...)
 * and is quoted in every error. The password is registered for redaction as soon as it is found.
 */
export function parseDatabaseUrl(text: string, field: string): DatabaseUrl {
  const raw = text.trim();
  const fail = (problem: string, fix?: string): never => {
    const shown = maskUrlText(raw);
    throw new ScscError('URL_INVALID', `${field}: ${problem}${raw === '' ? '' : ` (in ${shown})`}`, {
      ...(fix === undefined ? {} : { fix }),
      details: { field, url: shown },
    });
  };

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(raw);
  if (schemeMatch === null) {
    registerLikelyPassword(raw);
    return fail(raw === '' ? 'the URL is empty' : 'not a URL; expected mysql://user:password@host:port/database');
  }
  const scheme = (schemeMatch[1] ?? '').toLowerCase();
  const rest = schemeMatch[2] ?? '';
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = rest.slice(authority.length);

  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? '' : authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const rawPassword = colon < 0 ? '' : userinfo.slice(colon + 1);
  registerSecret(rawPassword);

  if (!SCHEME.test(scheme)) {
    return fail(`unsupported scheme "${scheme}://"`, `Use one of ${ACCEPTED_SCHEMES}`);
  }
  if (tail.includes('@')) {
    registerLikelyPassword(rest);
    return fail(
      "an '@' follows the host part",
      "Percent-encode '/', '?', '#' and '@' in the password as %2F, %3F, %23 and %40 (and '@' in option values as %40)",
    );
  }
  const password = decodePart(rawPassword, 'the password', fail);
  registerSecret(password);
  const user = decodePart(colon < 0 ? userinfo : userinfo.slice(0, colon), 'the user name', fail);
  if (user === '') return fail("no user name before '@host'; expected mysql://user:password@host:port/database");

  const { host, port } = parseHostPort(authority.slice(at + 1), fail);
  if (tail.includes('#')) {
    return fail("a '#' in the URL", "Percent-encode '#' as %23 (in a password or an option value)");
  }
  const queryStart = tail.indexOf('?');
  const path = queryStart < 0 ? tail : tail.slice(0, queryStart);
  const database = parseDatabase(path, fail);
  const options = parseOptions(queryStart < 0 ? '' : tail.slice(queryStart + 1), fail);

  const parsed: Omit<DatabaseUrl, 'display'> = {
    user,
    password,
    host,
    port,
    database,
    tls: tlsSettings(options, fail),
    connectTimeoutMs: connectTimeout(options.get('connect-timeout'), fail),
    charset: charset(options.get('charset'), fail),
  };
  return { ...parsed, display: formatDatabaseUrl(parsed) };
}

/** `mysql://user:***@host:port/db`: a URL that is safe to print. */
export function formatDatabaseUrl(url: Pick<DatabaseUrl, 'user' | 'password' | 'host' | 'port' | 'database'>): string {
  const credentials = encodeURIComponent(url.user) + (url.password === '' ? '' : `:${REDACTED}`);
  const database = url.database === undefined ? '' : `/${encodeURIComponent(url.database)}`;
  return `mysql://${credentials}@${hostText(url.host)}:${url.port}${database}`;
}

/** `user@host:port/db`, for messages such as "cannot connect to ...". */
export function describeEndpoint(url: Pick<DatabaseUrl, 'user' | 'host' | 'port' | 'database'>): string {
  return `${url.user}@${hostText(url.host)}:${url.port}${url.database === undefined ? '' : `/${url.database}`}`;
}

type Fail = (problem: string, fix?: string) => never;

function hostText(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** For text that did not parse: whatever lies between the first ':' and the last '@' may be a password. */
function registerLikelyPassword(text: string): void {
  const colon = text.indexOf(':');
  const at = text.lastIndexOf('@');
  if (colon >= 0 && colon < at) registerSecret(text.slice(colon + 1, at));
}

function decodePart(text: string, what: string, fail: Fail): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`${what} has a '%' that does not start a percent-encoded byte`, "Write a literal '%' as %25");
  }
}

function parseHostPort(text: string, fail: Fail): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    host = text.slice(1, close < 0 ? undefined : close);
    const after = close < 0 ? '' : text.slice(close + 1);
    if (close < 0 || !/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':') || (after !== '' && !after.startsWith(':'))) {
      return fail('malformed IPv6 host; expected e.g. [::1]:3306');
    }
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const parts = text.split(':');
    if (parts.length > 2) return fail('an IPv6 host must be written in brackets, e.g. mysql://user@[::1]:3306/db');
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (host === '') return fail('no host; expected mysql://user:password@host:port/database');
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) return fail(`the host "${host}" has characters a host name cannot have`);
  if (portText === undefined || portText === '') return { host, port: DEFAULT_PORT };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65_535)) return fail('the port must be a number from 1 to 65535');
  return { host, port };
}

function parseDatabase(path: string, fail: Fail): string | undefined {
  if (path === '' || path === '/') return undefined;
  const database = decodePart(path.slice(1), 'the database name', fail);
  if (database.includes('/')) {
    return fail(`the database name "${database}" contains '/'; a URL names at most one database`);
  }
  return database;
}

function parseOptions(query: string, fail: Fail): Map<OptionName, string> {
  const options = new Map<OptionName, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodePart(eq < 0 ? pair : pair.slice(0, eq), 'an option name', fail);
    const name = OPTION_NAMES[key.toLowerCase().replace(/_/g, '-')];
    if (name === undefined) {
      return fail(`unknown option "${key}"`, `Accepted URL options: ${ACCEPTED_OPTIONS}`);
    }
    const value = eq < 0 ? '' : decodePart(pair.slice(eq + 1), `the value of ${name}`, fail).trim();
    if (value === '') return fail(`option "${key}" has no value`);
    if (options.has(name)) return fail(`option ${name} is given twice`);
    options.set(name, value);
  }
  return options;
}

function tlsSettings(options: Map<OptionName, string>, fail: Fail): DatabaseUrl['tls'] {
  const ca = options.get('ssl-ca');
  const cert = options.get('ssl-cert');
  const key = options.get('ssl-key');
  const modeText = options.get('ssl-mode');
  const mode = modeText?.toUpperCase().replace(/-/g, '_') as TlsMode | undefined;
  if (mode !== undefined && !TLS_MODES.includes(mode)) {
    return fail(`ssl-mode "${modeText}" is not one of ${TLS_MODES.join(', ')}`);
  }
  if ((cert === undefined) !== (key === undefined)) {
    return fail('ssl-cert and ssl-key must be given together (a client certificate needs its key)');
  }
  // Like the mysql client: giving a CA asks for it to be checked; a client certificate alone asks for TLS.
  const resolved: TlsMode = mode ?? (ca !== undefined ? 'VERIFY_CA' : cert !== undefined ? 'REQUIRED' : 'DISABLED');
  if (resolved === 'DISABLED' && (ca ?? cert) !== undefined) {
    return fail('ssl-mode=DISABLED contradicts ssl-ca / ssl-cert / ssl-key');
  }
  return {
    mode: resolved,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}

function connectTimeout(text: string | undefined, fail: Fail): number {
  if (text === undefined) return DEFAULT_CONNECT_TIMEOUT_MS;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) return fail(`connect-timeout "${text}" is not ${DURATION_SYNTAX} above zero`);
  return ms;
}

function charset(text: string | undefined, fail: Fail): string {
  if (text === undefined) return DEFAULT_CHARSET;
  if (!/^[A-Za-z0-9_]+$/.test(text)) return fail(`charset "${text}" is not a character set name such as utf8mb4`);
  return text.toLowerCase();
}

/**
 * The URL text as typed, with everything that may be a password masked. For text that did not parse,
 * the password is taken to run to the last '@' (over-masking is the safe side); without any '@', a
 * non-numeric "port" is masked too, because `mysql://user:secret/db` is a URL missing its `@host`.
 */
function maskUrlText(raw: string): string {
  const schemeEnd = raw.indexOf('://');
  const start = schemeEnd < 0 ? 0 : schemeEnd + 3;
  const at = raw.lastIndexOf('@');
  const colon = raw.indexOf(':', start);
  let masked = raw;
  if (at >= start) {
    if (colon >= 0 && colon < at) masked = `${raw.slice(0, colon + 1)}${REDACTED}${raw.slice(at)}`;
  } else if (colon >= 0 && !raw.slice(start).startsWith('[')) {
    const portEnd = raw.slice(colon + 1).search(/[/?#]/);
    const port = portEnd < 0 ? raw.slice(colon + 1) : raw.slice(colon + 1, colon + 1 + portEnd);
    if (!/^\d*$/.test(port)) masked = `${raw.slice(0, colon + 1)}${REDACTED}${raw.slice(colon + 1 + port.length)}`;
  }
  return redactText(masked);
}
