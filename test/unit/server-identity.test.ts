import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverIdentity, serverIdentitySql } from '../../src/mysql/server-info.js';

describe('source server identity', () => {
  it('is the server_uuid on MySQL, the server_id otherwise (MariaDB, or MySQL without a uuid)', () => {
    assert.equal(serverIdentity({ flavour: 'mysql', serverId: 7, variables: { server_uuid: '3e11fa47-71ca-11e1-9e33-c80aa9429562' } }), 'server_uuid=3e11fa47-71ca-11e1-9e33-c80aa9429562');
    assert.equal(serverIdentity({ flavour: 'mysql', serverId: 7, variables: { server_uuid: '' } }), 'server_id=7');
    assert.equal(serverIdentity({ flavour: 'mysql', serverId: 7, variables: {} }), 'server_id=7');
    assert.equal(serverIdentity({ flavour: 'mariadb', serverId: 1001, variables: { server_uuid: 'ignored' } }), 'server_id=1001');
  });

  it('asks a server for the same forms, from the global variables (a session may set its own server_id)', () => {
    assert.match(serverIdentitySql('mariadb'), /CONCAT\('server_id=', @@GLOBAL\.server_id\)/);
    assert.doesNotMatch(serverIdentitySql('mariadb'), /server_uuid/);
    assert.match(serverIdentitySql('mysql'), /CONCAT\('server_uuid=', @@GLOBAL\.server_uuid\)/);
    assert.match(serverIdentitySql('mysql'), /@@GLOBAL\.server_uuid = '', CONCAT\('server_id=', @@GLOBAL\.server_id\)/);
  });
});
