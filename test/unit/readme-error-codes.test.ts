import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/core/error-codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README error code table', () => {
  it('documents every error code with its exit status, cause and fix as defined in the code', () => {
    for (const [code, { exit, cause, fix }] of Object.entries(ERROR_CODES)) {
      const row = `| \`${code}\` | ${exit} | ${cause} | ${fix.replace(/\|/g, '\\|')} |`;
      assert.ok(readme.includes(row), `README row out of date for ${code}; expected:\n${row}`);
    }
  });

  it('starts with the two commands: the demo and the tests', () => {
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    assert.match(firstBlock, /^npm ci && npm run demo/m);
    assert.match(firstBlock, /^npm ci && npm test/m);
  });
});
