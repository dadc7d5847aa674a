import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeText } from '../../src/mysql/charset-text.js';
import { sqlModeNames } from '../../src/mysql/sql-mode.js';
import { logsExplicitDefaults, statementSessionSettings } from '../../src/sink/statement-session-settings.js';
import { readQueryEvent } from '../../src/source/query-event.js';

/** A binlog packet (OK byte, event header) of a query event with these status variables, schema and statement. */
function queryPacket(status: Buffer, schema: string, statement: Buffer, options: { type?: number; checksum?: boolean } = {}): Buffer {
  const post = Buffer.alloc(13);
  post.writeUInt8(Buffer.byteLength(schema), 8);
  post.writeUInt16LE(status.length, 11);
  const body = Buffer.concat([post, status, Buffer.from(schema), Buffer.of(0), statement, options.checksum === true ? Buffer.from('CRC!') : Buffer.alloc(0)]);
  const header = Buffer.alloc(19);
  header.writeUInt8(options.type ?? 2, 4);
  header.writeUInt32LE(19 + body.length, 9);
  return Buffer.concat([Buffer.of(0), header, body]);
}

const u16 = (...values: number[]): Buffer => Buffer.concat(values.map((v) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }));
const u32 = (value: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(value); return b; };
const u64 = (value: bigint): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(value); return b; };

describe('readQueryEvent: a query event from its bytes', () => {
  it('reads the session (flags2, sql_mode, charsets, time zone) past the variables it only skips, and the statement undecoded', () => {
    const status = Buffer.concat([
      Buffer.of(0), u32(1 << 24), Buffer.of(1), u64(0x5410_0004n), Buffer.of(2, 3), Buffer.from('std'), Buffer.of(0), Buffer.of(3), u16(1, 1),
      Buffer.of(4), u16(8, 8, 224), Buffer.of(5, 6), Buffer.from('+05:00'), Buffer.of(6, 3), Buffer.from('def'), Buffer.of(7), u16(0),
      Buffer.of(11, 4), Buffer.from('root'), Buffer.of(9), Buffer.from('localhost'), Buffer.of(12, 2), Buffer.from('a\0b\0'),
      Buffer.of(128, 1, 2, 3), Buffer.of(16, 0),
    ]);
    const statement = Buffer.from("ALTER TABLE t ADD c VARCHAR(3) DEFAULT '\xe9t\xe9'", 'latin1');
    const read = readQueryEvent(queryPacket(status, 'app', statement, { checksum: true }), 0, true);
    assert.deepEqual(read?.session, {
      flags2: 1 << 24, sqlMode: String(0x5410_0004n), charsetClient: 8, collationConnection: 8, collationServer: 224, timeZone: '+05:00', explicitDefaultsForTimestamp: false,
      microseconds: 0x030201, startedAt: 0,
    });
    assert.equal(read?.schema.toString(), 'app');
    assert.deepEqual(read?.statement, statement, 'the statement without the checksum, byte for byte');
  });

  it('reads past MariaDB\'s started-ALTER flags (with their sequence number) and 11.x\'s charset collations, written before the charsets', () => {
    const status = Buffer.concat([Buffer.of(130, 4), u64(99n), Buffer.of(131, 2), u16(45, 2304, 8, 31), Buffer.of(4), u16(8, 8, 224), Buffer.of(130, 2), Buffer.of(1), u64(4n)]);
    const packet = queryPacket(status, 'db', Buffer.from('ALTER TABLE t FORCE'));
    packet.writeUInt32LE(1_700_000_000, 1);
    assert.deepEqual(readQueryEvent(packet, 0, false)?.session, { charsetClient: 8, collationConnection: 8, collationServer: 224, sqlMode: '4', startedAt: 1_700_000_000 });
  });

  it('stops at a status variable it does not know, keeping what came before', () => {
    const status = Buffer.concat([Buffer.of(1), u64(4n), Buffer.of(250, 9, 9, 9), Buffer.of(4), u16(8, 8, 8)]);
    assert.deepEqual(readQueryEvent(queryPacket(status, '', Buffer.from('BEGIN')), 0, false)?.session, { sqlMode: '4', startedAt: 0 });
  });

  it('inflates a MariaDB compressed query event; other events and bytes that do not add up are not read', () => {
    const text = Buffer.from('CREATE TABLE x (id INT PRIMARY KEY)');
    const envelope = Buffer.concat([Buffer.of(0x81, text.length), deflateSync(text)]);
    assert.deepEqual(readQueryEvent(queryPacket(Buffer.alloc(0), 'db', envelope, { type: 165 }), 0, false)?.statement, text);
    assert.equal(readQueryEvent(queryPacket(Buffer.alloc(0), 'db', text, { type: 16 }), 0, false), undefined);
    const cut = queryPacket(Buffer.alloc(0), 'db', text);
    assert.equal(readQueryEvent(cut.subarray(0, cut.length - 5), 0, false), undefined);
  });
});

describe('statementSessionSettings: the source session\'s settings for the target session that runs a DDL', () => {
  const forms = (settings: ReturnType<typeof statementSessionSettings>): string[][] => settings.map((s) => s.forms);
  const mariadb = { source: 'mariadb', target: 'mariadb', sourceLogsExplicitDefaults: true } as const;
  const ALTER = 'ALTER TABLE t ADD c TIMESTAMP';

  it('between servers of one flavour: sql_mode as its bitmask, then by name, then the portable names; the collation by id, then its character set; time zone, start time', () => {
    const settings = statementSessionSettings({ sqlMode: String(0x5420_0204), collationConnection: 8, connectionCharset: 'latin1', timeZone: "Europe/Paris'", flags2: 0, startedAt: 1_700_000_000, microseconds: 4200 }, ALTER, mariadb);
    assert.deepEqual(forms(settings), [
      [`sql_mode = ${0x5420_0204}`, "sql_mode = 'ANSI_QUOTES,ORACLE,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'", "sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"],
      ['collation_connection = 8', "character_set_connection = 'latin1'"], ["time_zone = 'Europe/Paris\\''"], ['timestamp = 1700000000.004200'], ['explicit_defaults_for_timestamp = 0'],
    ]);
    assert.deepEqual(settings[0]?.dropped, ['ORACLE'], 'what the portable names leave out that matters to DDL (not NO_AUTO_CREATE_USER)');
    assert.equal(settings.find((s) => s.variable === 'time_zone')?.required, true);
    assert.deepEqual(statementSessionSettings({}, ALTER, mariadb), []);
    assert.deepEqual(statementSessionSettings(undefined, ALTER, mariadb), []);
  });

  it('explicit_defaults_for_timestamp: only for a statement naming TIMESTAMP, and from MariaDB only where its flags2 bit is written', () => {
    assert.deepEqual(forms(statementSessionSettings({ flags2: 1 << 24, startedAt: 5 }, ALTER, mariadb)), [['timestamp = 5'], ['explicit_defaults_for_timestamp = 1']]);
    assert.deepEqual(forms(statementSessionSettings({ flags2: 1 << 24, startedAt: 5 }, 'ALTER TABLE t ADD c INT', mariadb)), [['timestamp = 5']]);
    assert.deepEqual(forms(statementSessionSettings({ flags2: 0 }, ALTER, { ...mariadb, sourceLogsExplicitDefaults: false })), [], 'an older source never sets the bit: nothing to read from it');
    assert.deepEqual(forms(statementSessionSettings({ explicitDefaultsForTimestamp: false }, ALTER, { source: 'mysql', target: 'mysql', sourceLogsExplicitDefaults: false })), [['explicit_defaults_for_timestamp = 0']]);
    const version = (major: number, minor: number, patch: number): boolean => logsExplicitDefaults({ flavour: 'mariadb', major, minor, patch });
    assert.deepEqual([version(10, 5, 16), version(10, 5, 17), version(10, 6, 8), version(10, 6, 9), version(10, 4, 30), version(10, 10, 1), version(11, 4, 2)], [false, true, false, true, false, true, true]);
    assert.equal(logsExplicitDefaults({ flavour: 'mysql', major: 8, minor: 0, patch: 40 }), false);
  });

  it('between flavours: sql_mode by the names the target\'s flavour knows; the connection\'s character set by name', () => {
    const mode = (1n << 2n) | (1n << 9n) | (1n << 21n) | (1n << 28n) | (1n << 32n); // ANSI_QUOTES, ORACLE, STRICT_TRANS_TABLES, NO_AUTO_CREATE_USER, EMPTY_STRING_IS_NULL
    const settings = statementSessionSettings({ sqlMode: mode.toString(), collationConnection: 2048, connectionCharset: 'utf8mb4' }, 'ALTER TABLE t FORCE', { source: 'mariadb', target: 'mysql', sourceLogsExplicitDefaults: true });
    assert.deepEqual(forms(settings), [["sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES'", "sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES'"], ["character_set_connection = 'utf8mb4'"]]);
    assert.deepEqual(settings[0]?.dropped, ['ORACLE', 'EMPTY_STRING_IS_NULL']);
    // A MySQL 5.7 source's bits MySQL 8 dropped are MariaDB's too.
    assert.deepEqual(sqlModeNames((1n << 8n) | (1n << 1n), 'mysql', 'mariadb'), { names: ['PIPES_AS_CONCAT', 'POSTGRESQL'], dropped: [] });
    assert.deepEqual(sqlModeNames((1n << 32n) | (1n << 1n), 'mysql', 'mariadb'), { names: ['PIPES_AS_CONCAT'], dropped: ['TIME_TRUNCATE_FRACTIONAL'] });
    assert.deepEqual(sqlModeNames(1n << 40n, 'mariadb', 'mariadb'), { names: [], dropped: ['bit 40'] });
  });
});

describe('decodeText: a statement in its client\'s character set', () => {
  it('decodes latin1 as the server does (Windows-1252, its five undefined bytes as C1 controls), and multi-byte sets', () => {
    assert.equal(decodeText(Buffer.from([0xe9, 0x80, 0x81, 0x41]), 'latin1'), 'é€\u0081A');
    assert.equal(decodeText(Buffer.from([0x83, 0x5c]), 'sjis'), 'ソ', 'a 0x5c trail byte is part of the character');
    assert.equal(decodeText(Buffer.from([0x81, 0x5f, 0x81, 0x60, 0x81, 0x91]), 'sjis'), '\\〜¢', 'the symbols where MySQL\'s sjis is not Shift_JIS: as the server reads them');
    assert.equal(decodeText(Buffer.from('naïve'), 'utf8mb4'), 'naïve');
    assert.equal(decodeText(Buffer.from('x'), 'utf16'), undefined);
  });
});
