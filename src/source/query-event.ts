import { inflateSync } from 'node:zlib';
import type { StatementSession } from '../core/change-event.js';

/** Set on a query event by statementsAsSent: the session it ran under, read from the event's bytes (a StatementSession). */
export const STATEMENT_SESSION = Symbol('scsc.statementSession');

/** A query event read from its bytes: the session it ran under, its default database and its statement, undecoded. */
export interface RawQueryEvent {
  session: StatementSession;
  schema: Buffer;
  /** The statement's bytes, in the client's character set (session.charsetClient). */
  statement: Buffer;
}

const QUERY_EVENT = 2;
const QUERY_COMPRESSED_EVENT = 165;
/** The OK byte in front of each binlog packet, then the common event header. */
const PACKET_HEADER = 1 + 19;
const POST_HEADER = 13;
/** Gtid_log_event flags Q_GTID_FLAGS3 carries. */
const FL_COMMIT_ALTER = 4;
const FL_ROLLBACK_ALTER = 8;

/**
 * Reads a query event from the binlog packet that carried it (`packet` from `start`, the OK byte):
 * zongji decodes the status variables and the statement as UTF-8 text, which loses the sql_mode bits
 * and any statement a latin1 (or other) client sent. Undefined for another event type or bytes that
 * do not add up. The status variables are read up to the first one this reader does not know (as the
 * server itself reads them): the codes after the last one scsc uses are sized but not needed.
 */
export function readQueryEvent(packet: Buffer, start: number, checksum: boolean): RawQueryEvent | undefined {
  if (packet.length < start + PACKET_HEADER + POST_HEADER) return undefined;
  const type = packet[start + 5];
  if (type !== QUERY_EVENT && type !== QUERY_COMPRESSED_EVENT) return undefined;
  const end = start + 1 + packet.readUInt32LE(start + 10) - (checksum ? 4 : 0);
  const body = start + PACKET_HEADER;
  const schemaLength = packet[body + 8] as number;
  const statusLength = packet.readUInt16LE(body + 11);
  const status = body + POST_HEADER;
  const schemaAt = status + statusLength;
  const statementAt = schemaAt + schemaLength + 1;
  if (end > packet.length || statementAt > end) return undefined;
  const session = readStatusVariables(packet.subarray(status, schemaAt));
  session.startedAt = packet.readUInt32LE(start + 1);
  const raw = packet.subarray(statementAt, end);
  const statement = type === QUERY_COMPRESSED_EVENT ? inflated(raw) : raw;
  if (statement === undefined) return undefined;
  return { session, schema: packet.subarray(schemaAt, schemaAt + schemaLength), statement };
}

/** MariaDB's compressed event body: a header byte (0x80 | width of the length), the length (big-endian), zlib data. */
function inflated(envelope: Buffer): Buffer | undefined {
  const header = envelope[0] ?? 0;
  const width = header & 0x07;
  if ((header & 0xf0) !== 0x80 || width < 1 || width > 4 || envelope.length < 1 + width) return undefined;
  try {
    const bytes = inflateSync(envelope.subarray(1 + width));
    return bytes.length === envelope.readUIntBE(1, width) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function readStatusVariables(bytes: Buffer): StatementSession {
  const session: StatementSession = {};
  let at = 0;
  while (at < bytes.length) {
    const code = bytes[at] as number;
    at++;
    let size: number;
    switch (code) {
      case 0: // Q_FLAGS2_CODE
        if (at + 4 > bytes.length) return session;
        session.flags2 = bytes.readUInt32LE(at);
        size = 4;
        break;
      case 1: // Q_SQL_MODE_CODE
        if (at + 8 > bytes.length) return session;
        session.sqlMode = bytes.readBigUInt64LE(at).toString();
        size = 8;
        break;
      case 2: // Q_CATALOG_CODE (before 5.0.4): length, name, NUL
        size = 1 + (bytes[at] ?? 0) + 1;
        break;
      case 3: size = 4; break; // Q_AUTO_INCREMENT
      case 4: // Q_CHARSET_CODE
        if (at + 6 > bytes.length) return session;
        session.charsetClient = bytes.readUInt16LE(at);
        session.collationConnection = bytes.readUInt16LE(at + 2);
        session.collationServer = bytes.readUInt16LE(at + 4);
        size = 6;
        break;
      case 5: // Q_TIME_ZONE_CODE
        size = 1 + (bytes[at] ?? 0);
        if (at + size > bytes.length) return session;
        session.timeZone = bytes.toString('latin1', at + 1, at + size);
        break;
      case 6: size = 1 + (bytes[at] ?? 0); break; // Q_CATALOG_NZ_CODE
      case 7: size = 2; break; // Q_LC_TIME_NAMES_CODE
      case 8: size = 2; break; // Q_CHARSET_DATABASE_CODE
      case 9: size = 8; break; // Q_TABLE_MAP_FOR_UPDATE_CODE
      case 10: size = 4; break; // Q_MASTER_DATA_WRITTEN_CODE
      case 11: { // Q_INVOKER: user, host, each length-prefixed
        const user = 1 + (bytes[at] ?? 0);
        size = user + 1 + (bytes[at + user] ?? 0);
        break;
      }
      case 12: { // Q_UPDATED_DB_NAMES: a count, then as many NUL-terminated names (254: too many to list)
        const count = bytes[at] ?? 0;
        size = 1;
        if (count !== 254) {
          for (let k = 0; k < count; k++) {
            const nul = bytes.indexOf(0, at + size);
            if (nul < 0) return session;
            size = nul - at + 1;
          }
        }
        break;
      }
      case 13: // Q_MICROSECONDS (MySQL)
      case 128: // Q_HRNOW (MariaDB)
        if (at + 3 > bytes.length) return session;
        session.microseconds = bytes.readUIntLE(at, 3);
        size = 3;
        break;
      case 16: // Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP (MySQL)
        session.explicitDefaultsForTimestamp = bytes[at] === 1;
        size = 1;
        break;
      case 17: size = 8; break; // Q_DDL_LOGGED_WITH_XID (MySQL)
      case 18: size = 2; break; // Q_DEFAULT_COLLATION_FOR_UTF8MB4 (MySQL)
      case 19: size = 1; break; // Q_SQL_REQUIRE_PRIMARY_KEY (MySQL)
      case 20: size = 1; break; // Q_DEFAULT_TABLE_ENCRYPTION (MySQL)
      case 129: size = 8; break; // Q_XID (MariaDB)
      case 130: // Q_GTID_FLAGS3 (MariaDB): flags, then a sequence number when they commit or roll back a started ALTER
        size = 1 + ((bytes[at] ?? 0) & (FL_COMMIT_ALTER | FL_ROLLBACK_ALTER) ? 8 : 0);
        break;
      case 131: size = 1 + 4 * (bytes[at] ?? 0); break; // Q_CHARACTER_SET_COLLATIONS (MariaDB 11.2+, written before Q_CHARSET_CODE)
      default:
        return session;
    }
    at += size;
  }
  return session;
}
