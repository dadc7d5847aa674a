import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { parseGrants } from '../../src/preflight/grants.js';
import { privilegeFindings } from '../../src/preflight/privilege-checks.js';

/** SHOW GRANTS output of MariaDB 10.11.19, captured from a sandbox server. */
const MARIADB_ROOT = [
  'GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION',
  'GRANT PROXY ON ``@`%` TO `root`@`localhost` WITH GRANT OPTION',
];
const MARIADB_APP = [
  'GRANT `we``ird role` TO `app`@`%` WITH ADMIN OPTION',
  'GRANT `reader` TO `app`@`%`',
  "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*B87675491D86B74664F2EA1D3A7060E82A810802'",
  'GRANT SELECT, INSERT ON `shop`.* TO `app`@`%`',
  'GRANT SELECT ON `my db`.* TO `app`@`%`',
  'GRANT DELETE ON `t_p`.* TO `app`@`%`',
  'GRANT UPDATE ON `tenant\\_%`.* TO `app`@`%`',
  'GRANT SELECT (`a`, `b`), UPDATE (`a`), DELETE ON `shop`.`orders` TO `app`@`%`',
  'GRANT EXECUTE, ALTER ROUTINE ON PROCEDURE `shop`.`p` TO `app`@`%`',
  // The active default role's own grants follow the account's.
  'GRANT USAGE ON *.* TO `reader`',
  'GRANT SELECT ON `reports`.* TO `reader`',
  'SET DEFAULT ROLE `reader` FOR `app`@`%`',
];

/** SHOW GRANTS output of MySQL 8.0 / 8.4. */
const MYSQL_ROOT = [
  'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, SHUTDOWN, PROCESS, FILE, REFERENCES, INDEX, ALTER, SHOW DATABASES, SUPER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER, CREATE TABLESPACE, CREATE ROLE, DROP ROLE ON *.* TO `root`@`localhost` WITH GRANT OPTION',
  'GRANT APPLICATION_PASSWORD_ADMIN,AUDIT_ABORT_EXEMPT,AUDIT_ADMIN,AUTHENTICATION_POLICY_ADMIN,BACKUP_ADMIN,BINLOG_ADMIN,BINLOG_ENCRYPTION_ADMIN,CLONE_ADMIN,CONNECTION_ADMIN,ENCRYPTION_KEY_ADMIN,FLUSH_OPTIMIZER_COSTS,FLUSH_STATUS,FLUSH_TABLES,FLUSH_USER_RESOURCES,GROUP_REPLICATION_ADMIN,INNODB_REDO_LOG_ARCHIVE,PASSWORDLESS_USER_ADMIN,PERSIST_RO_VARIABLES_ADMIN,REPLICATION_APPLIER,REPLICATION_SLAVE_ADMIN,RESOURCE_GROUP_ADMIN,ROLE_ADMIN,SERVICE_CONNECTION_ADMIN,SESSION_VARIABLES_ADMIN,SET_USER_ID,SHOW_ROUTINE,SYSTEM_USER,SYSTEM_VARIABLES_ADMIN,TABLE_ENCRYPTION_ADMIN,XA_RECOVER_ADMIN ON *.* TO `root`@`localhost` WITH GRANT OPTION',
  'GRANT PROXY ON ``@`` TO `root`@`localhost` WITH GRANT OPTION',
];
const MYSQL_CDC = [
  'GRANT RELOAD, REPLICATION REPLICA, REPLICATION CLIENT ON *.* TO `cdc`@`%`',
  'GRANT SELECT ON `shop`.* TO `cdc`@`%`',
  'GRANT SELECT (`id`, `email`) ON `crm`.`customers` TO `cdc`@`%`',
  'GRANT EXECUTE ON FUNCTION `shop`.`price_of` TO `cdc`@`%`',
  'GRANT `app_read`@`%`,`app_write`@`localhost` TO `cdc`@`%`',
  // SHOW GRANTS FOR CURRENT_USER() USING `app_read`@`%`, `app_write`@`localhost` expands the roles:
  'GRANT INSERT, UPDATE, DELETE ON `shop`.`orders` TO `cdc`@`%`',
];

describe('parseGrants: MariaDB 10.11', () => {
  it('global ALL PRIVILEGES covers every privilege at every scope; PROXY is neither a grant nor a role', () => {
    const grants = parseGrants(MARIADB_ROOT);
    for (const privilege of ['SELECT', 'REPLICATION SLAVE', 'REPLICATION CLIENT', 'BINLOG MONITOR', 'SUPER', 'CREATE']) {
      assert.equal(grants.has(privilege), true, privilege);
    }
    assert.equal(grants.has('INSERT', 'shop'), true);
    assert.equal(grants.has('DELETE', 'shop', 'orders'), true);
    assert.deepEqual(grants.roles, []);
  });

  it('BINLOG MONITOR is REPLICATION CLIENT, with the IDENTIFIED BY PASSWORD suffix on the line', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.equal(grants.has('REPLICATION CLIENT'), true);
    assert.equal(grants.has('BINLOG MONITOR'), true);
    assert.equal(grants.has('REPLICATION SLAVE'), true);
    assert.equal(grants.has('REPLICATION REPLICA'), true);
    assert.equal(grants.has('SUPER'), false);
    assert.equal(grants.has('SELECT'), false, 'a database grant is not a global one');
  });

  it('database grants cover the database and its tables, and nothing else', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.equal(grants.has('SELECT', 'shop'), true);
    assert.equal(grants.has('insert', 'shop'), true, 'privilege names are case-insensitive');
    assert.equal(grants.has('INSERT', 'shop', 'orders'), true);
    assert.equal(grants.has('UPDATE', 'shop'), false);
    assert.equal(grants.has('SELECT', 'shopping'), false);
    assert.equal(grants.has('SELECT', 'Shop'), false);
  });

  it('reads quoted database names with spaces', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.equal(grants.has('SELECT', 'my db'), true);
    assert.equal(grants.has('SELECT', 'my db', 'any table'), true);
    assert.equal(grants.has('SELECT', 'my'), false);
  });

  it('treats database names as LIKE patterns: _ and % are wildcards unless escaped with a backslash', () => {
    const grants = parseGrants(MARIADB_APP);
    // `t_p`.*: `_` is any one character
    assert.equal(grants.has('DELETE', 't_p'), true);
    assert.equal(grants.has('DELETE', 'tap'), true);
    assert.equal(grants.has('DELETE', 'tp'), false);
    assert.equal(grants.has('DELETE', 'taap'), false);
    // `tenant\_%`.*: a literal underscore, then anything
    assert.equal(grants.has('UPDATE', 'tenant_'), true);
    assert.equal(grants.has('UPDATE', 'tenant_42'), true);
    assert.equal(grants.has('UPDATE', 'tenantX42'), false);
    assert.equal(grants.has('UPDATE', 'tenant'), false);
  });

  it('table grants cover that table only; column grants do not count as table privileges', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.equal(grants.has('DELETE', 'shop', 'orders'), true);
    assert.equal(grants.has('DELETE', 'shop', 'customers'), false);
    assert.equal(grants.has('DELETE', 'shop'), false, 'a table grant is not a database grant');
    assert.equal(grants.has('UPDATE', 'shop', 'orders'), false, 'UPDATE (`a`) covers column a only');

    const columnsOnly = parseGrants(['GRANT SELECT (`a`, `b`), UPDATE (`a`) ON `shop`.`orders` TO `app`@`%`']);
    assert.equal(columnsOnly.has('SELECT', 'shop', 'orders'), false);
    assert.equal(columnsOnly.has('UPDATE', 'shop', 'orders'), false);
    assert.equal(columnsOnly.has('SELECT', 'shop'), false);
  });

  it('ignores PROCEDURE grants', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.equal(grants.has('EXECUTE'), false);
    assert.equal(grants.has('EXECUTE', 'shop'), false);
    assert.equal(grants.has('EXECUTE', 'shop', 'p'), false);
    assert.equal(grants.has('ALTER ROUTINE', 'shop', 'p'), false);
  });

  it('lists granted roles, unescaping backticks, and counts the active role’s grants', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.deepEqual(grants.roles, ['we`ird role', 'reader']);
    assert.equal(grants.has('SELECT', 'reports'), true);
  });

  it('GRANT USAGE alone grants nothing scsc needs', () => {
    const grants = parseGrants(['GRANT USAGE ON *.* TO `plain`@`localhost`']);
    assert.equal(grants.has('SELECT'), false);
    assert.equal(grants.has('SELECT', 'shop'), false);
    assert.equal(grants.has('REPLICATION SLAVE'), false);
    assert.deepEqual(grants.roles, []);
  });

  it('ALL PRIVILEGES on a database stays on that database', () => {
    const grants = parseGrants(['GRANT ALL PRIVILEGES ON `we``ird`.* TO `owner`@`%`']);
    assert.equal(grants.has('DELETE', 'we`ird'), true);
    assert.equal(grants.has('CREATE', 'we`ird', 't'), true);
    assert.equal(grants.has('DELETE', 'other'), false);
    assert.equal(grants.has('REPLICATION SLAVE'), false);
  });

  it('keeps no trace of the password hash', () => {
    const grants = parseGrants(MARIADB_APP);
    assert.doesNotMatch(JSON.stringify(grants) + inspect(grants, { depth: 5 }), /B87675491D86B7/);
  });
});

describe('parseGrants: MySQL 8', () => {
  it('reads static and dynamic global privileges of root', () => {
    const grants = parseGrants(MYSQL_ROOT);
    for (const privilege of ['SELECT', 'REPLICATION SLAVE', 'REPLICATION REPLICA', 'REPLICATION CLIENT', 'SHOW DATABASES', 'REPLICATION_SLAVE_ADMIN', 'SYSTEM_VARIABLES_ADMIN', 'XA_RECOVER_ADMIN']) {
      assert.equal(grants.has(privilege), true, privilege);
    }
    assert.equal(grants.has('DELETE', 'shop', 'orders'), true);
    assert.equal(grants.has('READ_ONLY ADMIN'), false);
    assert.deepEqual(grants.roles, []);
  });

  it('REPLICATION REPLICA is REPLICATION SLAVE', () => {
    const grants = parseGrants(MYSQL_CDC);
    assert.equal(grants.has('REPLICATION SLAVE'), true);
    assert.equal(grants.has('REPLICATION REPLICA'), true);
    assert.equal(grants.has('REPLICATION CLIENT'), true);
    assert.equal(grants.has('RELOAD'), true);
  });

  it('lists roles by name without their hosts', () => {
    assert.deepEqual(parseGrants(MYSQL_CDC).roles, ['app_read', 'app_write']);
  });

  it('scopes database, table and column grants; ignores FUNCTION grants', () => {
    const grants = parseGrants(MYSQL_CDC);
    assert.equal(grants.has('SELECT', 'shop'), true);
    assert.equal(grants.has('INSERT', 'shop', 'orders'), true);
    assert.equal(grants.has('INSERT', 'shop'), false);
    assert.equal(grants.has('SELECT', 'crm', 'customers'), false);
    assert.equal(grants.has('SELECT', 'crm'), false);
    assert.equal(grants.has('EXECUTE', 'shop'), false);
    assert.equal(grants.has('EXECUTE', 'shop', 'price_of'), false);
  });

  it('honours partial revokes of a global grant', () => {
    const grants = parseGrants([
      'GRANT SELECT, INSERT, UPDATE, DELETE ON *.* TO `u2`@`%`',
      'REVOKE DELETE ON `mysql`.* FROM `u2`@`%`',
    ]);
    assert.equal(grants.has('DELETE', 'shop'), true);
    assert.equal(grants.has('DELETE', 'mysql'), false);
    assert.equal(grants.has('DELETE', 'mysql', 'user'), false);
    assert.equal(grants.has('SELECT', 'mysql'), true);
  });

  it('reads the single-quoted account form of older servers', () => {
    const grants = parseGrants([
      "GRANT USAGE ON *.* TO 'old'@'%' IDENTIFIED BY PASSWORD '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
      "GRANT SELECT, INSERT ON `shop`.* TO 'old'@'%'",
    ]);
    assert.equal(grants.has('INSERT', 'shop'), true);
    assert.equal(grants.has('INSERT'), false);
    assert.deepEqual(grants.roles, []);
  });
});

describe('parseGrants feeding the privilege check', () => {
  it('a column-level UPDATE grant leaves UPDATE missing on the target database', () => {
    const grants = parseGrants([
      'GRANT SELECT, INSERT, DELETE, CREATE ON `shop`.* TO `writer`@`%`',
      'GRANT UPDATE (`qty`) ON `shop`.`orders` TO `writer`@`%`',
    ]);
    const findings = privilegeFindings(grants, 'target', 'sync', 'shop', "'writer'@'%'");
    assert.deepEqual(findings.map((f) => [f.severity, f.fix]), [['blocker', "GRANT UPDATE ON `shop`.* TO 'writer'@'%'"]]);
  });

  it('a database name with a space is read, so its grant satisfies the check', () => {
    const grants = parseGrants(['GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON `my db`.* TO `writer`@`%`']);
    assert.deepEqual(privilegeFindings(grants, 'target', 'sync', 'my db', "'writer'@'%'"), []);
  });
});
