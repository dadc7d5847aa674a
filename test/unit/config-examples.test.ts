import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/config/load-config.js';

const dir = fileURLToPath(new URL('../../config/', import.meta.url));
const examples = readdirSync(dir).filter((name) => name.endsWith('.yaml'));

describe('example configs in config/', () => {
  it('ships the four documented examples', () => {
    assert.deepEqual(examples.sort(), ['kafka.yaml', 'one-way.yaml', 'reconcile.yaml', 'two-way.yaml']);
  });

  for (const name of examples) {
    it(`${name} resolves without errors and with its values taken from the file`, () => {
      const config = resolveConfig({ flags: {}, env: {}, cwd: dir, configFile: `${dir}${name}` });
      const fromFile = Object.entries(config.origins).filter(([, origin]) => origin === 'file').map(([field]) => field);
      assert.ok(fromFile.length >= 4, `${name}: ${fromFile.join(', ')}`);
    });
  }

  it('one-way.yaml parses durations, lists and URLs', () => {
    const config = resolveConfig({ flags: {}, env: {}, cwd: dir, configFile: `${dir}one-way.yaml` });
    assert.equal(config.reconcileEvery, 3_600_000);
    assert.deepEqual(config.exclude, ['audit_*', 'tmp_*']);
    assert.equal(config.source?.host, 'db-primary');
    assert.equal(config.target?.database, 'shop');
    assert.equal(config.metricsPort, 9464);
  });
});
