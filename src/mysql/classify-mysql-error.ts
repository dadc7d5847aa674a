import type { ErrorCode } from '../core/error-codes.js';
import { ScscError } from '../core/scsc-error.js';

interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

const BY_DRIVER_CODE: Record<string, ErrorCode> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ENOTFOUND: 'CONNECTION_REFUSED',
  EAI_AGAIN: 'CONNECTION_REFUSED',
  EHOSTUNREACH: 'CONNECTION_REFUSED',
  ENETUNREACH: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_REFUSED',
  EPIPE: 'CONNECTION_REFUSED',
  PROTOCOL_CONNECTION_LOST: 'CONNECTION_REFUSED',
  PROTOCOL_PACKETS_OUT_OF_ORDER: 'CONNECTION_REFUSED',
  PROTOCOL_INCORRECT_PACKET_SEQUENCE: 'CONNECTION_REFUSED',
  ER_CON_COUNT_ERROR: 'CONNECTION_REFUSED',
  ER_HOST_IS_BLOCKED: 'CONNECTION_REFUSED',
  ER_HOST_NOT_PRIVILEGED: 'AUTH_FAILED',
  ETIMEDOUT: 'CONNECTION_TIMEOUT',
  ER_ACCESS_DENIED_ERROR: 'AUTH_FAILED',
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: 'AUTH_FAILED',
  ER_NOT_SUPPORTED_AUTH_MODE: 'AUTH_FAILED',
  ER_DBACCESS_DENIED_ERROR: 'DATABASE_ACCESS_DENIED',
  ER_BAD_DB_ERROR: 'DATABASE_NOT_FOUND',
  HANDSHAKE_SSL_ERROR: 'TLS_FAILED',
  HANDSHAKE_NO_SSL_SUPPORT: 'TLS_FAILED',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_FAILED',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS_FAILED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_FAILED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_FAILED',
  CERT_HAS_EXPIRED: 'TLS_FAILED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_FAILED',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS_FAILED',
};

const LOST = new Set(['ECONNRESET', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_PACKETS_OUT_OF_ORDER', 'PROTOCOL_INCORRECT_PACKET_SEQUENCE']);

/**
 * Turns a mysql2 / socket error into the ScscError a user can act on. `where` names the server in
 * the user's terms (`source root@db1:3306/shop`); it never contains a password.
 */
export function classifyMysqlError(error: unknown, where: string): ScscError {
  if (error instanceof ScscError) return error;
  const driver = (error ?? {}) as DriverError;
  const code = driver.code === undefined ? undefined : BY_DRIVER_CODE[driver.code];
  const reason = driver.sqlMessage ?? driver.message ?? String(error);
  switch (code) {
    case 'CONNECTION_REFUSED':
      return new ScscError(code, `${LOST.has(driver.code ?? '') ? 'lost the connection to' : 'cannot reach'} ${where}: ${driver.code}${reason === driver.code ? '' : ` (${reason})`}${driver.code?.startsWith('PROTOCOL_') === true ? '; is a MySQL/MariaDB server listening there?' : ''}`, { cause: error });
    case 'CONNECTION_TIMEOUT':
      return new ScscError(code, `no answer from ${where} within the connect timeout`, { cause: error });
    case 'AUTH_FAILED':
      return new ScscError(code, `login to ${where} failed: ${reason}`, { cause: error });
    case 'DATABASE_NOT_FOUND':
    case 'DATABASE_ACCESS_DENIED':
      return new ScscError(code, `${where}: ${reason}`, { cause: error });
    case 'TLS_FAILED':
      return new ScscError(code, `TLS with ${where} failed: ${reason}`, { cause: error });
    default:
      return new ScscError('SQL_FAILED', `${where}: ${reason}`, { cause: error, details: { driverCode: driver.code, errno: driver.errno } });
  }
}
