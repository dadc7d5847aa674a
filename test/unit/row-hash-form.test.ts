import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSchema } from '../../src/core/table-schema.js';
import { parseVersion } from '../../src/mysql/server-info.js';
import { rowHashForm, rowHashSql } from '../../src/reconcile/canonical-row-sql.js';

const server = (version: string, comment = ''): ReturnType<typeof parseVersion> => parseVersion(version, comment);

describe('row hash form of a server pair', () => {
  it('is CRC32/CRC32C of the SHA1 only when both servers are MariaDB 10.8 or later', () => {
    const cases: Array<[string, string, string]> = [
      ['10.11.19-MariaDB-0+deb12u1-log', '10.11.19-MariaDB-0+deb12u1-log', 'sha1-crc'],
      ['10.8.0-MariaDB', '11.4.2-MariaDB', 'sha1-crc'],
      ['10.11.19-MariaDB', '10.7.8-MariaDB', 'sha1-conv'],
      ['10.6.18-MariaDB', '10.11.19-MariaDB', 'sha1-conv'],
      ['10.11.19-MariaDB', '8.4.3', 'sha1-conv'],
      ['8.0.40', '10.11.19-MariaDB', 'sha1-conv'],
      ['8.4.3', '8.4.3', 'sha1-conv'],
      ['9.1.0', '9.1.0', 'sha1-conv'],
    ];
    for (const [source, target, form] of cases) assert.equal(rowHashForm(server(source), server(target)), form, `${source} / ${target}`);
  });

  it('writes both forms over the same canonical row', () => {
    const column = (name: string, dataType: string, columnType: string, nullable: boolean, ordinal: number): ColumnSchema => ({
      name, ordinal, dataType, columnType, nullable, defaultValue: undefined, generated: undefined, generationExpression: undefined,
      autoIncrement: false, unsigned: false, charset: dataType === 'int' ? undefined : 'utf8mb4', collation: undefined, json: false,
    });
    const columns = [column('id', 'int', 'int(11)', false, 1), column('v', 'varchar', 'varchar(20)', true, 2)];
    const canonical = "CONCAT_WS(',', `id`, IFNULL(CONCAT('=', `v`), 'N'))";
    assert.equal(rowHashSql(columns, 'mariadb', 'sha1-conv'), `CAST(CONV(LEFT(SHA1(${canonical}), 16), 16, 10) AS UNSIGNED)`);
    assert.equal(rowHashSql(columns, 'mariadb', 'sha1-crc'), `IF((@_scsc_h := SHA1(${canonical})) IS NULL, NULL, CRC32(@_scsc_h) << 32 | CRC32C(@_scsc_h))`);
  });
});
