import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql, { type Connection } from 'mysql2/promise';
import { rowIdentityKey, type ColumnSchema, type ForeignKeySchema, type TableSchema } from '../../src/core/table-schema.js';
import type { Queryable } from '../../src/mysql/query-rows.js';
import { introspectDatabase, listDatabases } from '../../src/mysql/schema-introspector.js';
import { readServerInfo } from '../../src/mysql/server-info.js';
import { mariaDbServersForTests } from '../env/mariadb.js';

const servers = mariaDbServersForTests({ db: { gtidDomainId: 7 } });

/**
 * A purpose-built schema: every type family scsc carries, keys in non-column order, foreign keys
 * across databases, identifiers that need quoting, and objects that must not be listed (a view, a
 * sequence, tables of another database that reuse the names of this one's tables and columns).
 */
const SCHEMA = `
CREATE DATABASE intro CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE other CHARACTER SET latin1;
CREATE DATABASE \`Sys\`;
CREATE TABLE other.parents (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b), KEY ba (b, a));
CREATE TABLE other.numbers (id INT NOT NULL, leaked INT, doc JSON, UNIQUE KEY uq_leaked (leaked), PRIMARY KEY (leaked, id),
  CONSTRAINT fk_leak FOREIGN KEY (id) REFERENCES other.parents (a));

CREATE TABLE intro.numbers (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT NOT NULL DEFAULT 7, iu INT UNSIGNED, bi BIGINT DEFAULT -1,
  dec65 DECIMAL(65,30), f FLOAT, d DOUBLE, b1 BIT(1), b64 BIT(64) DEFAULT b'101'
);
CREATE TABLE intro.temporal (id INT PRIMARY KEY, y YEAR, dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6),
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP);
CREATE TABLE intro.strings (id INT PRIMARY KEY,
  c CHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, v VARCHAR(100), t TEXT CHARACTER SET latin1,
  lc CHAR(3) CHARACTER SET latin1 COLLATE latin1_bin, lv VARCHAR(20) CHARACTER SET latin1 NOT NULL DEFAULT 'x''y',
  bn BINARY(16), vb VARBINARY(255), bl BLOB,
  e ENUM('a,b', 'it''s', 'say "hi"', 'unsigned') NOT NULL DEFAULT 'it''s', s SET('x''y', 'q"uote', 'z'));
CREATE TABLE intro.docs (id INT PRIMARY KEY, doc JSON, \`we\`\`ird json\` JSON NOT NULL, plain LONGTEXT, u UUID, ip INET6,
  g GEOMETRY, p POINT NOT NULL,
  doc_id INT AS (JSON_VALUE(doc, '$.id')) VIRTUAL, plain_len INT AS (CHAR_LENGTH(plain)) STORED);
CREATE TABLE intro.plain_docs (id INT PRIMARY KEY, doc LONGTEXT);
CREATE TABLE intro.composite (tenant INT NOT NULL, seq INT NOT NULL, code VARCHAR(10), alt INT, pa INT, pb INT,
  PRIMARY KEY (seq, tenant), UNIQUE KEY uq_alt_code (alt, code), UNIQUE KEY uq_alt (alt),
  CONSTRAINT fk_parent FOREIGN KEY (pb, pa) REFERENCES other.parents (b, a) ON DELETE CASCADE ON UPDATE SET NULL);
CREATE TABLE intro.\`select\` (\`order\` INT NOT NULL, \`we\`\`ird\` VARCHAR(5), \`da-sh\` INT, \`sp ace\` INT,
  PRIMARY KEY (\`order\`), UNIQUE KEY \`da-sh key\` (\`sp ace\`, \`da-sh\`));
CREATE TABLE intro.\`we\`\`ird\` (id INT PRIMARY KEY, sel INT, j JSON,
  CONSTRAINT \`fk we\`\`ird\` FOREIGN KEY (sel) REFERENCES \`select\` (\`order\`));
CREATE TABLE intro.\`da-sh\` (\`key\` INT PRIMARY KEY);
CREATE TABLE intro.\`sp ace\` (\`sp ace\` INT PRIMARY KEY, \`da-sh\` JSON);
CREATE TABLE intro.no_key (a INT, b TEXT);
CREATE TABLE intro.versioned (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
CREATE VIEW intro.v_numbers AS SELECT id, i FROM intro.numbers;
CREATE SEQUENCE intro.seq1;
`;

const TABLE_NAMES = ['composite', 'da-sh', 'docs', 'no_key', 'numbers', 'plain_docs', 'select', 'sp ace', 'strings', 'temporal', 'versioned', 'we`ird'];

/** A column with the introspector's defaults for everything not given. */
function col(ordinal: number, name: string, columnType: string, rest: Partial<ColumnSchema> = {}): ColumnSchema {
  return {
    name, ordinal, dataType: columnType.replace(/[( ].*$/, ''), columnType, nullable: true, defaultValue: undefined,
    generated: undefined, generationExpression: undefined, autoIncrement: false, unsigned: false,
    charset: undefined, collation: undefined, json: false, ...rest,
  };
}
const notNull = { nullable: false };
const unsigned = { unsigned: true };
const utf8mb4 = { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' };
const latin1 = { charset: 'latin1', collation: 'latin1_swedish_ci' };

describe('schema introspection against a throwaway MariaDB', { skip: servers.skip }, () => {
  let connection: Connection;
  let tables: TableSchema[];

  function table(name: string): TableSchema {
    const found = tables.find((t) => t.name === name);
    assert.ok(found, `table ${name} not introspected; got ${tables.map((t) => t.name).join(', ')}`);
    return found;
  }

  before(async () => {
    await servers.db.sql(SCHEMA);
    connection = await mysql.createConnection({ host: servers.db.host, port: servers.db.port, user: 'root' });
    tables = await introspectDatabase(connection, 'intro');
  });
  after(async () => {
    await connection?.end();
  });

  it('lists exactly the base and system-versioned tables: no view, no sequence, nothing from another database', () => {
    assert.deepEqual(tables.map((t) => t.name).sort(), [...TABLE_NAMES].sort());
    for (const t of tables) {
      assert.equal(t.database, 'intro');
      assert.equal(t.engine, 'InnoDB');
      assert.equal(t.collation, 'utf8mb4_unicode_ci');
    }
  });

  it('reads the integer family with display widths, unsigned flags, defaults and auto_increment', () => {
    assert.deepEqual(table('numbers').columns, [
      col(1, 'id', 'bigint(20) unsigned', { ...notNull, ...unsigned, autoIncrement: true }),
      col(2, 'ti', 'tinyint(4)'),
      col(3, 'tiu', 'tinyint(3) unsigned', unsigned),
      col(4, 'si', 'smallint(6)'),
      col(5, 'siu', 'smallint(5) unsigned', unsigned),
      col(6, 'mi', 'mediumint(9)'),
      col(7, 'miu', 'mediumint(8) unsigned', unsigned),
      col(8, 'i', 'int(11)', { ...notNull, defaultValue: '7' }),
      col(9, 'iu', 'int(10) unsigned', unsigned),
      col(10, 'bi', 'bigint(20)', { defaultValue: '-1' }),
      col(11, 'dec65', 'decimal(65,30)'),
      col(12, 'f', 'float'),
      col(13, 'd', 'double'),
      col(14, 'b1', 'bit(1)'),
      col(15, 'b64', 'bit(64)', { defaultValue: "b'101'" }),
    ]);
    assert.deepEqual(table('numbers').primaryKey, ['id']);
  });

  it('reads temporal types with their fractional precision', () => {
    assert.deepEqual(table('temporal').columns, [
      col(1, 'id', 'int(11)', notNull),
      col(2, 'y', 'year(4)'),
      col(3, 'dt', 'date'),
      col(4, 'dtm', 'datetime(6)'),
      col(5, 'ts', 'timestamp(6)'),
      col(6, 'tm', 'time(6)'),
      col(7, 'created', 'timestamp', { ...notNull, defaultValue: 'current_timestamp()' }),
    ]);
  });

  it('reads charset and collation per column, none for binary types, and ENUM/SET definitions verbatim', () => {
    assert.deepEqual(table('strings').columns, [
      col(1, 'id', 'int(11)', notNull),
      col(2, 'c', 'char(10)', { charset: 'utf8mb4', collation: 'utf8mb4_bin' }),
      col(3, 'v', 'varchar(100)', utf8mb4),
      col(4, 't', 'text', latin1),
      col(5, 'lc', 'char(3)', { charset: 'latin1', collation: 'latin1_bin' }),
      col(6, 'lv', 'varchar(20)', { ...latin1, ...notNull, defaultValue: "'x''y'" }),
      col(7, 'bn', 'binary(16)'),
      col(8, 'vb', 'varbinary(255)'),
      col(9, 'bl', 'blob'),
      // An ENUM value spelled `unsigned` does not make the column unsigned.
      col(10, 'e', `enum('a,b','it''s','say "hi"','unsigned')`, { ...utf8mb4, ...notNull, defaultValue: "'it''s'" }),
      col(11, 's', `set('x''y','q"uote','z')`, utf8mb4),
    ]);
  });

  it('recognises MariaDB JSON (LONGTEXT + json_valid) by column and table, including names needing escapes', () => {
    const jsonText = { charset: 'utf8mb4', collation: 'utf8mb4_bin', json: true };
    assert.deepEqual(table('docs').columns, [
      col(1, 'id', 'int(11)', notNull),
      col(2, 'doc', 'longtext', jsonText),
      col(3, 'we`ird json', 'longtext', { ...jsonText, ...notNull }),
      col(4, 'plain', 'longtext', utf8mb4),
      col(5, 'u', 'uuid'),
      col(6, 'ip', 'inet6'),
      col(7, 'g', 'geometry'),
      col(8, 'p', 'point', notNull),
      col(9, 'doc_id', 'int(11)', { generated: 'virtual', generationExpression: "json_value(`doc`,'$.id')" }),
      col(10, 'plain_len', 'int(11)', { generated: 'stored', generationExpression: 'char_length(`plain`)' }),
    ]);
    // Same column name as docs.doc, but no json_valid check on this table.
    assert.deepEqual(table('plain_docs').columns.map((c) => [c.name, c.json]), [['id', false], ['doc', false]]);
    assert.deepEqual(table('we`ird').columns.map((c) => [c.name, c.json]), [['id', false], ['sel', false], ['j', true]]);
    assert.deepEqual(table('sp ace').columns.map((c) => [c.name, c.json]), [['sp ace', false], ['da-sh', true]]);
  });

  it('keeps primary and unique key columns in key order, not column order', () => {
    const composite = table('composite');
    assert.deepEqual(composite.primaryKey, ['seq', 'tenant']);
    assert.deepEqual(composite.uniqueKeys, [
      { name: 'uq_alt', columns: ['alt'], unique: true },
      { name: 'uq_alt_code', columns: ['alt', 'code'], unique: true },
    ]);
    assert.deepEqual(composite.columns.map((c) => [c.name, c.nullable]),
      [['tenant', false], ['seq', false], ['code', true], ['alt', true], ['pa', true], ['pb', true]]);
    assert.deepEqual(rowIdentityKey(composite), { kind: 'primary', name: 'PRIMARY', columns: ['seq', 'tenant'] });
  });

  it('reads composite foreign keys with their rules and a reference into another database', () => {
    assert.deepEqual(table('composite').foreignKeys, [{
      name: 'fk_parent', columns: ['pb', 'pa'], referencedDatabase: 'other', referencedTable: 'parents',
      referencedColumns: ['b', 'a'], onUpdate: 'SET NULL', onDelete: 'CASCADE',
    } satisfies ForeignKeySchema]);
    assert.deepEqual(table('we`ird').foreignKeys, [{
      name: 'fk we`ird', columns: ['sel'], referencedDatabase: 'intro', referencedTable: 'select',
      referencedColumns: ['order'], onUpdate: 'RESTRICT', onDelete: 'RESTRICT',
    } satisfies ForeignKeySchema]);
    for (const name of TABLE_NAMES.filter((n) => n !== 'composite' && n !== 'we`ird')) assert.deepEqual(table(name).foreignKeys, [], name);
  });

  it('reads identifiers with reserved words, backticks, dashes and spaces unchanged', () => {
    const select = table('select');
    assert.deepEqual(select.columns, [
      col(1, 'order', 'int(11)', notNull),
      col(2, 'we`ird', 'varchar(5)', utf8mb4),
      col(3, 'da-sh', 'int(11)'),
      col(4, 'sp ace', 'int(11)'),
    ]);
    assert.deepEqual(select.primaryKey, ['order']);
    assert.deepEqual(select.uniqueKeys, [{ name: 'da-sh key', columns: ['sp ace', 'da-sh'], unique: true }]);
    assert.deepEqual(table('da-sh').primaryKey, ['key']);
    assert.deepEqual(table('sp ace').primaryKey, ['sp ace']);
  });

  it('lists a system-versioned table with its own columns only (row_start/row_end stay hidden)', () => {
    assert.deepEqual(table('versioned').columns, [col(1, 'id', 'int(11)', notNull), col(2, 'v', 'int(11)')]);
    assert.deepEqual(table('versioned').primaryKey, ['id']);
  });

  it('reports a table without keys as having none', () => {
    const noKey = table('no_key');
    assert.deepEqual(noKey.primaryKey, []);
    assert.deepEqual(noKey.uniqueKeys, []);
    assert.equal(rowIdentityKey(noKey), undefined);
    assert.deepEqual(noKey.columns, [col(1, 'a', 'int(11)'), col(2, 'b', 'text', utf8mb4)]);
  });

  it('does not mix in a same-named table of another database', async () => {
    assert.deepEqual(table('numbers').uniqueKeys, []);
    assert.deepEqual(table('numbers').foreignKeys, []);
    const other = await introspectDatabase(connection, 'other');
    assert.deepEqual(other.map((t) => t.name).sort(), ['numbers', 'parents']);
    const numbers = other.find((t) => t.name === 'numbers');
    assert.deepEqual(numbers?.columns.map((c) => [c.name, c.json]), [['id', false], ['leaked', false], ['doc', true]]);
    assert.deepEqual(numbers?.primaryKey, ['leaked', 'id']);
    assert.deepEqual(numbers?.uniqueKeys, [{ name: 'uq_leaked', columns: ['leaked'], unique: true }]);
    assert.deepEqual(numbers?.foreignKeys.map((fk) => fk.name), ['fk_leak']);
    assert.equal(numbers?.collation, 'latin1_swedish_ci');
  });

  it('reads a whole database in a fixed number of queries, whatever its number of tables', async () => {
    const sql: string[] = [];
    const counting: Queryable = {
      query<T extends mysql.RowDataPacket[]>(text: string, values?: unknown) {
        sql.push(text);
        return connection.query<T>(text, values as unknown[] | undefined);
      },
    };
    const again = await introspectDatabase(counting, 'intro');
    assert.deepEqual(again, tables);
    assert.ok(sql.length <= 5, `expected at most 5 queries for ${tables.length} tables, got ${sql.length}`);
  });

  it('returns no tables for a database that does not exist', async () => {
    assert.deepEqual(await introspectDatabase(connection, 'no_such_db'), []);
  });

  it('lists user databases only, and a user database named like a system schema in another case', async () => {
    const [raw] = await connection.query<mysql.RowDataPacket[]>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA');
    const all = raw.map((row) => String(row.name));
    assert.ok(all.includes('mysql') && all.includes('information_schema'), all.join(', '));
    assert.deepEqual([...await listDatabases(connection)].sort(), ['Sys', 'intro', 'other']);
  });

  it('reads the server flavour, version, server id and binlog settings', async () => {
    const info = await readServerInfo(connection);
    const [[row]] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    assert.equal(info.flavour, 'mariadb');
    assert.equal(info.versionString, String(row?.v));
    assert.match(info.versionString, /MariaDB/);
    assert.equal(info.version, `${info.major}.${info.minor}.${info.patch}`);
    assert.ok(info.versionString.startsWith(`${info.version}-`), `${info.versionString} vs ${info.version}`);
    assert.ok(info.major >= 10, `major ${info.major}`);
    assert.equal(info.serverId, servers.db.serverId);
    assert.equal(info.variables.server_id, String(servers.db.serverId));
    assert.equal(info.variables.log_bin, 'ON');
    assert.equal(info.variables.binlog_format, 'ROW');
    assert.equal(info.variables.binlog_row_image, 'FULL');
    assert.equal(info.variables.binlog_row_metadata, 'MINIMAL');
    assert.equal(info.variables.gtid_domain_id, '7');
    assert.equal(info.variables.max_allowed_packet, String(64 * 1024 * 1024));
  });
});
