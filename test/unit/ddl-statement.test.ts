import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStatement } from '../../src/source/ddl-statement.js';

describe('parseStatement: transaction control', () => {
  it('classifies BEGIN / START TRANSACTION as begin, naming no table', () => {
    for (const sql of ['BEGIN', 'begin', 'START TRANSACTION', 'start  transaction read write']) {
      assert.deepEqual(parseStatement(sql, 'db'), { kind: 'begin', tables: [] }, sql);
    }
  });

  it('classifies COMMIT as commit and ROLLBACK as rollback', () => {
    for (const sql of ['COMMIT', 'commit', 'COMMIT WORK']) assert.deepEqual(parseStatement(sql, 'db'), { kind: 'commit', tables: [] }, sql);
    for (const sql of ['ROLLBACK', 'rollback']) assert.deepEqual(parseStatement(sql, 'db'), { kind: 'rollback', tables: [] }, sql);
  });

  it('reads each XA step with the xid as the server wrote it, so a later XA COMMIT finds its prepared transaction', () => {
    const cases: Array<[string, string, string, boolean]> = [
      ["XA START X'6f6e65',X'',1", 'start', "X'6f6e65',X'',1", false],
      ["XA BEGIN 'a','b'", 'start', "'a','b'", false],
      ["XA START X'6f6e65',X'',1 JOIN", 'start', "X'6f6e65',X'',1", false],
      ["XA END X'6f6e65',X'',1", 'end', "X'6f6e65',X'',1", false],
      ["XA END 'x' SUSPEND FOR MIGRATE", 'end', "'x'", false],
      ["XA PREPARE X'6f6e65',X'',1", 'prepare', "X'6f6e65',X'',1", false],
      ["XA COMMIT X'6f6e65',X'',1", 'commit', "X'6f6e65',X'',1", false],
      ["xa commit 'x' one phase", 'commit', "'x'", true],
      ["XA ROLLBACK X'74776f',X'',1", 'rollback', "X'74776f',X'',1", false],
    ];
    for (const [sql, step, xid, onePhase] of cases) {
      assert.deepEqual(parseStatement(sql, 'db'), { kind: 'xa', tables: [], xa: { step, xid, onePhase } }, sql);
    }
  });

  it('needs a word boundary: a table or word starting with BEGIN/COMMIT is not transaction control', () => {
    assert.equal(parseStatement('BEGINNING', 'db').kind, 'other');
    assert.equal(parseStatement('COMMITTED', 'db').kind, 'other');
    assert.equal(parseStatement('ROLLBACKS', 'db').kind, 'other');
  });

  it('does not take SAVEPOINT for transaction control', () => {
    assert.deepEqual(parseStatement('SAVEPOINT `s1`', 'db'), { kind: 'other', tables: [] });
  });

  it('does not take ROLLBACK TO SAVEPOINT for the end of the transaction', () => {
    assert.notEqual(parseStatement('ROLLBACK TO `s1`', 'db').kind, 'rollback');
    assert.notEqual(parseStatement('ROLLBACK TO SAVEPOINT s1', 'db').kind, 'rollback');
  });
});

describe('parseStatement: TRUNCATE', () => {
  it('names the table with or without the TABLE keyword', () => {
    assert.deepEqual(parseStatement('TRUNCATE TABLE t', 'db'), { kind: 'truncate', tables: [['db', 't']] });
    assert.deepEqual(parseStatement('truncate t', 'db'), { kind: 'truncate', tables: [['db', 't']] });
  });

  it('does not swallow a table whose name starts with "table"', () => {
    assert.deepEqual(parseStatement('TRUNCATE table_log', 'db'), { kind: 'truncate', tables: [['db', 'table_log']] });
  });

  it('keeps an explicit database', () => {
    assert.deepEqual(parseStatement('TRUNCATE TABLE `other`.`t`', 'db'), { kind: 'truncate', tables: [['other', 't']] });
  });
});

describe('parseStatement: CREATE / ALTER TABLE', () => {
  it('accepts OR REPLACE, TEMPORARY and IF NOT EXISTS', () => {
    const cases: Array<[string, string]> = [
      ['CREATE TABLE t (id int primary key)', 't'],
      ['create table t2(id int)', 't2'],
      ['CREATE OR REPLACE TABLE t3 (id int)', 't3'],
      ['CREATE TEMPORARY TABLE t4 (id int)', 't4'],
      ['CREATE OR REPLACE TEMPORARY TABLE t5 (id int)', 't5'],
      ['CREATE TABLE IF NOT EXISTS t6 (id int)', 't6'],
    ];
    for (const [sql, table] of cases) {
      const parsed = parseStatement(sql, 'db');
      assert.deepEqual([parsed.kind, parsed.tables], ['table-ddl', [['db', table]]], sql);
    }
    assert.deepEqual(parseStatement('CREATE TEMPORARY TABLE IF NOT EXISTS `t7` LIKE t', 'db').tables, [['db', 't7']]);
  });

  it('accepts ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS]', () => {
    const cases: Array<[string, string]> = [
      ['ALTER TABLE t ADD COLUMN c int', 't'],
      ['ALTER ONLINE TABLE t2 ADD INDEX (c)', 't2'],
      ['ALTER IGNORE TABLE t3 ADD UNIQUE (c)', 't3'],
      ['ALTER ONLINE IGNORE TABLE t4 DROP COLUMN c', 't4'],
      ['alter table if exists t5 engine=InnoDB', 't5'],
    ];
    for (const [sql, table] of cases) assert.deepEqual(parseStatement(sql, 'db'), { kind: 'table-ddl', tables: [['db', table]] }, sql);
  });

  it('does not take the IF of IF NOT EXISTS for the table name', () => {
    assert.deepEqual(parseStatement('CREATE TABLE IF NOT EXISTS `db2`.`x` (id int)', 'db').tables, [['db2', 'x']]);
  });

  it('tells a CREATE TABLE apart: the table LIKE copies (only the new one changes), OR REPLACE, a query that fills it', () => {
    assert.deepEqual(parseStatement('CREATE TABLE _t_gho LIKE t', 'db'), { kind: 'table-ddl', tables: [['db', '_t_gho']], like: ['db', 't'], create: { replace: false, like: true, select: false } });
    assert.deepEqual(parseStatement('CREATE TABLE IF NOT EXISTS `x` (LIKE `db2`.`y z`);', 'db').like, ['db2', 'y z']);
    assert.equal(parseStatement("CREATE TABLE t (c VARCHAR(3) CHECK (c LIKE 'a%'))", 'db').like, undefined);
    assert.deepEqual(parseStatement('CREATE OR REPLACE TABLE t (id int)', 'db').create, { replace: true, like: false, select: false });
    assert.deepEqual(parseStatement('CREATE TABLE t AS SELECT * FROM u', 'db').create, { replace: false, like: false, select: true });
    // LIKE another database's table: no table to compare, but a copy all the same.
    assert.deepEqual(parseStatement('CREATE TABLE t LIKE other.u', 'db').create, { replace: false, like: true, select: false });
    assert.equal(parseStatement('CREATE INDEX i ON t (c)', 'db').create, undefined);
    assert.equal(parseStatement('ALTER TABLE t ADD c int', 'db').create, undefined);
  });

  it('reads statements with comments inside as the server does (gh-ost, mysqldump)', () => {
    assert.deepEqual(parseStatement('create /* gh-ost */ table `db`.`_t_gho` like `db`.`t`', 'db'),
      { kind: 'table-ddl', tables: [['db', '_t_gho']], like: ['db', 't'], create: { replace: false, like: true, select: false } });
    assert.deepEqual(parseStatement('alter /* gh-ost */ table `db`.`_t_gho` add column note varchar(10)', 'db').tables, [['db', '_t_gho']]);
    assert.deepEqual(parseStatement('rename /* gh-ost */ table `db`.`t` to `db`.`_t_del`, `db`.`_t_gho` to `db`.`t`', 'db').tables,
      [['db', 't'], ['db', '_t_del'], ['db', '_t_gho'], ['db', 't']]);
    assert.deepEqual(parseStatement('drop /* gh-ost */ table if exists `db`.`_t_del`', 'db').tables, [['db', '_t_del']]);
    assert.deepEqual(parseStatement('CREATE TABLE /*!32312 IF NOT EXISTS*/ `t` (id int)', 'db').tables, [['db', 't']]);
    assert.deepEqual(parseStatement('ALTER TABLE t -- why\n RENAME TO u', 'db').tables, [['db', 't'], ['db', 'u']]);
    // Comment marks inside quoted text are text.
    assert.deepEqual(parseStatement("ALTER TABLE t ADD c VARCHAR(3) DEFAULT '/* x', RENAME TO u", 'db').tables, [['db', 't'], ['db', 'u']]);
    assert.deepEqual(parseStatement("ALTER TABLE t COMMENT 'it''s -- /*', RENAME TO v", 'db').tables, [['db', 't'], ['db', 'v']]);
  });

  it('names both tables of ALTER TABLE ... RENAME TO, like RENAME TABLE', () => {
    assert.deepEqual(parseStatement('ALTER TABLE a RENAME TO b', 'db').tables, [['db', 'a'], ['db', 'b']]);
  });
});

describe('parseStatement: DROP TABLE', () => {
  it('names every table of the list, with the server\'s trailing comment', () => {
    assert.deepEqual(parseStatement('DROP TABLE a, b.c /* generated by server */', 'db'), { kind: 'table-ddl', tables: [['db', 'a'], ['b', 'c']] });
  });

  it('accepts TEMPORARY, IF EXISTS, TABLES and lists without spaces', () => {
    assert.deepEqual(parseStatement('DROP TEMPORARY TABLE IF EXISTS `t1`,`t2`', 'db').tables, [['db', 't1'], ['db', 't2']]);
    assert.deepEqual(parseStatement('drop tables x ,  y', 'db').tables, [['db', 'x'], ['db', 'y']]);
  });

  it('is not confused by commas and spaces inside backquoted names', () => {
    assert.deepEqual(parseStatement('DROP TABLE `a, b`, `c d`', 'db').tables, [['db', 'a, b'], ['db', 'c d']]);
  });
});

describe('parseStatement: RENAME TABLE', () => {
  it('names the old and new table of every pair, in order', () => {
    assert.deepEqual(parseStatement('RENAME TABLE a TO b, c TO d', 'db'), {
      kind: 'table-ddl', tables: [['db', 'a'], ['db', 'b'], ['db', 'c'], ['db', 'd']], renames: [[['db', 'a'], ['db', 'b']], [['db', 'c'], ['db', 'd']]],
    });
    assert.deepEqual(parseStatement('ALTER TABLE a ADD c int, RENAME TO x.b', 'db').renames, [[['db', 'a'], ['x', 'b']]]);
    assert.equal(parseStatement('ALTER TABLE a RENAME COLUMN c TO d', 'db').renames, undefined);
  });

  it('handles moves between databases and TO inside backquoted names', () => {
    assert.deepEqual(parseStatement('rename table `x`.`a TO b` to `y`.`c`', 'db').tables, [['x', 'a TO b'], ['y', 'c']]);
  });
});

describe('parseStatement: CREATE / DROP INDEX', () => {
  it('names the table after ON', () => {
    const cases = [
      'CREATE INDEX i ON t (c)',
      'CREATE UNIQUE INDEX `i` ON `t`(c)',
      'CREATE FULLTEXT INDEX i ON t (c)',
      'CREATE SPATIAL INDEX i ON t (g)',
      'CREATE INDEX IF NOT EXISTS i ON t (c)',
      'DROP INDEX i ON t',
      'DROP INDEX IF EXISTS `i` ON `t`',
    ];
    for (const sql of cases) assert.deepEqual(parseStatement(sql, 'db'), { kind: 'table-ddl', tables: [['db', 't']] }, sql);
  });

  it('keeps the database of ON db.t', () => {
    assert.deepEqual(parseStatement('DROP INDEX i ON other.t', 'db').tables, [['other', 't']]);
  });

  it('accepts USING index_type before ON and MariaDB OR REPLACE', () => {
    assert.deepEqual(parseStatement('CREATE INDEX i USING BTREE ON t (c)', 'db'), { kind: 'table-ddl', tables: [['db', 't']] });
    assert.deepEqual(parseStatement('CREATE OR REPLACE INDEX i ON t (c)', 'db'), { kind: 'table-ddl', tables: [['db', 't']] });
  });
});

describe('parseStatement: names', () => {
  it('unquotes backquoted names, including doubled backticks, spaces and dots', () => {
    assert.deepEqual(parseStatement('CREATE TABLE `a``b` (id int)', 'db').tables, [['db', 'a`b']]);
    assert.deepEqual(parseStatement('CREATE TABLE `my table` (id int)', 'db').tables, [['db', 'my table']]);
    assert.deepEqual(parseStatement('CREATE TABLE `a.b` (id int)', 'db').tables, [['db', 'a.b']]);
    assert.deepEqual(parseStatement('CREATE TABLE `my.db`.`t.x` (id int)', 'db').tables, [['my.db', 't.x']]);
  });

  it('takes db-qualified names, quoted or not, with spaces around the dot', () => {
    assert.deepEqual(parseStatement('ALTER TABLE shop.orders ADD c int', 'db').tables, [['shop', 'orders']]);
    assert.deepEqual(parseStatement('ALTER TABLE `shop` . `orders` ADD c int', 'db').tables, [['shop', 'orders']]);
    assert.deepEqual(parseStatement('ALTER TABLE `shop`.orders ADD c int', 'db').tables, [['shop', 'orders']]);
  });

  it('uses the event\'s default database for unqualified names', () => {
    assert.deepEqual(parseStatement('ALTER TABLE orders ADD c int', 'shop').tables, [['shop', 'orders']]);
  });

  it('accepts $ and non-ASCII letters in unquoted names', () => {
    assert.deepEqual(parseStatement('CREATE TABLE t$1 (id int)', 'db').tables, [['db', 't$1']]);
    assert.deepEqual(parseStatement('CREATE TABLE café (id int)', 'db').tables, [['db', 'café']]);
  });
});

describe('parseStatement: leading comments and whitespace', () => {
  it('skips block comments, -- and # comments and whitespace before the statement', () => {
    assert.deepEqual(parseStatement('  \n/* app=x */ /* more */ ALTER TABLE t ADD c int', 'db'), { kind: 'table-ddl', tables: [['db', 't']] });
    assert.deepEqual(parseStatement('-- note\n# other\nTRUNCATE t', 'db'), { kind: 'truncate', tables: [['db', 't']] });
    assert.deepEqual(parseStatement('/* x */ COMMIT', 'db'), { kind: 'commit', tables: [] });
  });

  it('does not strip executable comments (/*! ... */)', () => {
    assert.equal(parseStatement('/*!40000 ALTER TABLE `t` DISABLE KEYS */', 'db').kind, 'other');
  });

  it('gives other for a statement that is only a comment or unterminated', () => {
    assert.deepEqual(parseStatement('-- nothing', 'db'), { kind: 'other', tables: [] });
    assert.deepEqual(parseStatement('/* unterminated', 'db'), { kind: 'other', tables: [] });
  });
});

describe('parseStatement: unrelated statements', () => {
  it('classifies statements that touch no table definition as other, with no tables', () => {
    const cases = [
      'CREATE DATABASE shop',
      "GRANT SELECT ON shop.* TO 'u'@'%'",
      'CREATE VIEW v AS SELECT 1',
      'CREATE OR REPLACE VIEW v AS SELECT * FROM t',
      'DROP VIEW v',
      'CREATE USER u',
      'SET @x = 1',
      "INSERT INTO t VALUES (1)",
      'CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.c = 1',
      '',
    ];
    for (const sql of cases) assert.deepEqual(parseStatement(sql, 'db'), { kind: 'other', tables: [] }, sql);
  });
});

describe('parseStatement: quoting as the statement\'s sql_mode reads it', () => {
  it('with ANSI_QUOTES, double quotes delimit names (a doubled one inside is one quote); without, the statement names no table', () => {
    const ansi = { ansiQuotes: true };
    assert.deepEqual(parseStatement('ALTER TABLE "t" ADD "d" INT', 'db', ansi).tables, [['db', 't']]);
    assert.deepEqual(parseStatement('RENAME TABLE "a" TO "o"."b"', 'db', ansi).renames, [[['db', 'a'], ['o', 'b']]]);
    assert.deepEqual(parseStatement('DROP TABLE "x""y", `z`', 'db', ansi).tables, [['db', 'x"y'], ['db', 'z']]);
    assert.deepEqual(parseStatement('CREATE TABLE "n" LIKE "t"', 'db', ansi).like, ['db', 't']);
    assert.deepEqual(parseStatement('ALTER TABLE "t" ADD "d" INT', 'db'), { kind: 'other', tables: [] });
  });

  it('with NO_BACKSLASH_ESCAPES, a backslash ends nothing: a comment after such a string is a comment, not text', () => {
    const sql = "ALTER TABLE t COMMENT 'C:\\', /* RENAME TO u */ FORCE";
    assert.deepEqual(parseStatement(sql, 'db', { noBackslashEscapes: true }), { kind: 'table-ddl', tables: [['db', 't']] });
    // Read with backslash escapes, the string runs on to the end and the comment is never seen as one.
    assert.deepEqual(parseStatement(sql, 'db').renames, [[['db', 't'], ['db', 'u']]]);
  });

  it('with ANSI_QUOTES, a backslash inside double quotes is part of the name', () => {
    assert.deepEqual(parseStatement('ALTER TABLE "a\\" ADD c INT /* RENAME TO u */', 'db', { ansiQuotes: true }), { kind: 'table-ddl', tables: [['db', 'a\\']] });
  });
});

describe('parseStatement: ALTER and DROP DATABASE', () => {
  it('names the database (the session\'s when ALTER names none) and keeps ALTER\'s options; other forms are not read', () => {
    const database = (sql: string): unknown => parseStatement(sql, 'dflt').database;
    assert.deepEqual(database('ALTER DATABASE app CHARACTER SET latin1'), { name: 'app', drop: false, options: 'CHARACTER SET latin1' });
    assert.deepEqual(database('alter schema `a``b` default collate utf8mb4_bin'), { name: 'a`b', drop: false, options: 'default collate utf8mb4_bin' });
    assert.deepEqual(database('ALTER DATABASE CHARACTER SET latin1'), { name: 'dflt', drop: false, options: 'CHARACTER SET latin1' });
    assert.deepEqual(database('ALTER DATABASE COMMENT = "x"'), { name: 'dflt', drop: false, options: 'COMMENT = "x"' });
    assert.deepEqual(database('DROP DATABASE IF EXISTS app'), { name: 'app', drop: true, options: '' });
    assert.deepEqual(database('DROP /* x */ SCHEMA `app`'), { name: 'app', drop: true, options: '' });
    for (const sql of ['ALTER DATABASE app UPGRADE DATA DIRECTORY NAME', 'DROP DATABASE', 'CREATE DATABASE app']) assert.equal(parseStatement(sql, 'dflt').kind, 'other', sql);
  });
});
