import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDatabaseUrl } from '../../src/config/database-url.js';
import { checkForChanges } from '../../src/detect/check-for-changes.js';
import { describeSignatureChange, type Signature } from '../../src/detect/signature.js';
import { tempDir } from '../env/temp-dir.js';

const binlog = (position: string): Signature => ({ detector: 'binlog', position });
const content = (tables: Record<string, string>): Signature => ({ detector: 'content', tables });

describe('describeSignatureChange', () => {
  it('sees no change between equal signatures', () => {
    assert.equal(describeSignatureChange(binlog('gtid 0-1-5'), binlog('gtid 0-1-5')), undefined);
    assert.equal(describeSignatureChange(content({ a: '1/x', b: '2/y' }), content({ b: '2/y', a: '1/x' })), undefined);
    assert.equal(describeSignatureChange(content({}), content({})), undefined);
  });

  it('says where the binlog position moved', () => {
    assert.equal(describeSignatureChange(binlog('gtid 0-1-5'), binlog('gtid 0-1-6')), 'binlog position moved from gtid 0-1-5 to gtid 0-1-6');
  });

  it('names changed, new and gone tables', () => {
    assert.equal(
      describeSignatureChange(content({ a: '1/x', b: '2/y', c: '3/z' }), content({ a: '1/x', b: '9/y', d: '4/w' })),
      'content of 3 tables changed: b, c (gone), d (new)',
    );
  });

  it('counts a switch of detector as a change', () => {
    assert.equal(describeSignatureChange(binlog('gtid 0-1-5'), content({ a: '1/x' })), 'detector switched from binlog to content');
  });

  it('lists at most ten tables', () => {
    const before: Record<string, string> = {};
    const after: Record<string, string> = {};
    for (let i = 0; i < 12; i += 1) {
      before[`t${String(i).padStart(2, '0')}`] = '1';
      after[`t${String(i).padStart(2, '0')}`] = '2';
    }
    assert.match(describeSignatureChange(content(before), content(after)) ?? '', /^content of 12 tables changed: t00, .*, t09, \.\.\.$/);
  });
});

describe('checkForChanges with --detector off', () => {
  it('always reports a change, connects to nothing and never writes the state file', async () => {
    const statePath = join(tempDir('scsc-off-'), 'state.json');
    const check = await checkForChanges({
      detector: 'off', statePath, include: [], exclude: [],
      source: parseDatabaseUrl('mysql://u@127.0.0.1:1/a', '--source'), target: parseDatabaseUrl('mysql://u@127.0.0.1:1/b', '--target'),
    });
    assert.equal(check.changed, true);
    assert.equal(check.detector, 'off');
    assert.match(check.reason, /off/);
    await check.commit();
    assert.equal(existsSync(statePath), false);
  });
});
