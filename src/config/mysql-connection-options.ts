import { readFileSync } from 'node:fs';
import type { ConnectionOptions, SslOptions } from 'mysql2';
import { ScscError } from '../core/scsc-error.js';
import { describeEndpoint, type DatabaseUrl } from './database-url.js';

/**
 * mysql2 connection options for a parsed URL. Values come back exactly: BIGINT and DECIMAL as strings,
 * temporal values as strings (DATETIME(6) keeps its microseconds), one statement per query.
 *
 * TLS modes: DISABLED = plain TCP. PREFERRED and REQUIRED both mean "TLS without certificate
 * verification": mysql2 cannot fall back to plain TCP when the server offers no TLS, so PREFERRED
 * cannot be opportunistic here. VERIFY_CA checks the chain against ssl-ca (or the system CAs) but not
 * the host name; VERIFY_IDENTITY checks both.
 */
export function toMysqlConnectionOptions(url: DatabaseUrl): ConnectionOptions {
  return {
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    ...(url.database === undefined ? {} : { database: url.database }),
    charset: url.charset,
    connectTimeout: url.connectTimeoutMs,
    ssl: sslOptions(url),
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
  };
}

function sslOptions(url: DatabaseUrl): SslOptions | undefined {
  const { mode, ca, cert, key } = url.tls;
  if (mode === 'DISABLED') return undefined;
  const clientCertificate =
    cert === undefined || key === undefined
      ? {}
      : { cert: readTlsFile(cert, 'ssl-cert', url), key: readTlsFile(key, 'ssl-key', url) };
  if (mode === 'PREFERRED' || mode === 'REQUIRED') return { rejectUnauthorized: false, ...clientCertificate };
  return {
    ...(ca === undefined ? {} : { ca: readTlsFile(ca, 'ssl-ca', url) }),
    rejectUnauthorized: true,
    verifyIdentity: mode === 'VERIFY_IDENTITY',
    ...clientCertificate,
  };
}

function readTlsFile(path: string, option: string, url: DatabaseUrl): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ScscError(
      'CONFIG_FILE_UNREADABLE',
      `cannot read the ${option} file ${path} given in the URL for ${describeEndpoint(url)} (${reason})`,
      { cause: error, fix: `Check that ${path} exists and is readable, or correct ${option} in the URL`, details: { path, option } },
    );
  }
}
