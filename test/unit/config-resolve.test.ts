import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { envNamesFor, resolveConfig, type ConfigSources } from '../../src/config/load-config.js';
import { redactConfig } from '../../src/config/redact-config.js';
import { ScscError } from '../../src/core/scsc-error.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh directory holding the given files (e.g. `.env`, `scsc.yaml`). */
function workdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'scsc-config-'));
  roots.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function resolveIn(dir: string, flags: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}, extra: Partial<ConfigSources> = {}) {
  return resolveConfig({ flags, env, cwd: dir, ...extra });
}

function configError(run: () => unknown): ScscError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ScscError, `expected ScscError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the configuration to be rejected');
}

describe('resolveConfig: defaults', () => {
  it('fills every default when nothing is given', () => {
    const config = resolveIn(workdir());
    assert.equal(config.source, undefined);
    assert.equal(config.target, undefined);
    assert.deepEqual(config.include, []);
    assert.deepEqual(config.exclude, []);
    assert.equal(config.batchSize, 1000);
    assert.equal(config.dryRun, false);
    assert.equal(config.keepFkChecks, false);
    assert.equal(config.detector, 'auto');
    assert.equal(config.state, '.scsc/state.json');
    assert.equal(config.json, false);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.kafka, []);
    assert.equal(config.topicPrefix, 'scsc');
    assert.equal(config.group, 'scsc-apply');
    assert.equal(config.interval, 30_000);
    assert.equal(config.reconcileEvery, undefined);
    assert.equal(config.consistency, 'table');
    assert.equal(config.ddl, 'apply');
    assert.equal(config.conflict, 'a-wins');
    assert.equal(config.metricsPort, undefined);
    assert.equal(config.configFile, undefined);
    assert.ok(Object.values(config.origins).every((origin) => origin === 'default'));
  });

  it('defaults workers to the available parallelism, clamped to 2..8', () => {
    const { workers } = resolveIn(workdir());
    assert.equal(workers, Math.min(8, Math.max(2, availableParallelism())));
    assert.ok(workers >= 2 && workers <= 8);
  });
});

describe('resolveConfig: precedence flags > env > .env > file > defaults', () => {
  const layers = [
    { field: 'batchSize', flag: '400', env: ['SCSC_BATCH_SIZE', '300'], dotenv: '200', file: 'batch-size: 100', values: [400, 300, 200, 100, 1000] },
    { field: 'logLevel', flag: 'trace', env: ['SCSC_LOG_LEVEL', 'debug'], dotenv: 'warn', file: 'log-level: error', values: ['trace', 'debug', 'warn', 'error', 'info'] },
    { field: 'interval', flag: '1s', env: ['SCSC_INTERVAL', '2s'], dotenv: '3s', file: 'interval: 4s', values: [1000, 2000, 3000, 4000, 30_000] },
    { field: 'topicPrefix', flag: 'f', env: ['SCSC_TOPIC_PREFIX', 'e'], dotenv: 'd', file: 'topic-prefix: y', values: ['f', 'e', 'd', 'y', 'scsc'] },
  ] as const;
  const origins = ['flag', 'env', 'dotenv', 'file', 'default'] as const;

  for (const layer of layers) {
    it(`takes ${layer.field} from the highest layer that sets it`, () => {
      const [envName, envValue] = layer.env;
      for (let top = 0; top < origins.length; top += 1) {
        const files: Record<string, string> = {};
        if (top <= 2) files['.env'] = `${envName}=${layer.dotenv}\n`;
        if (top <= 3) files['scsc.yaml'] = `${layer.file}\n`;
        const dir = workdir(files);
        const flags = top <= 0 ? { [layer.field]: layer.flag } : {};
        const env = top <= 1 ? { [envName]: envValue } : {};
        const config = resolveIn(dir, { ...flags, config: top <= 3 ? 'scsc.yaml' : undefined }, env);
        assert.equal(config[layer.field], layer.values[top], `expected the ${origins[top]} value`);
        assert.equal(config.origins[layer.field], origins[top]);
      }
    });
  }

  it('decides per field, so layers mix', () => {
    const dir = workdir({ '.env': 'SCSC_DETECTOR=content\n', 'scsc.yaml': 'workers: 3\nbatch-size: 10\n' });
    const config = resolveIn(dir, { batchSize: 50, config: 'scsc.yaml' }, { SCSC_LOG_LEVEL: 'warn' });
    assert.deepEqual(
      [config.batchSize, config.workers, config.logLevel, config.detector, config.ddl],
      [50, 3, 'warn', 'content', 'apply'],
    );
    assert.equal(config.origins.batchSize, 'flag');
    assert.equal(config.origins.workers, 'file');
    assert.equal(config.origins.logLevel, 'env');
    assert.equal(config.origins.detector, 'dotenv');
    assert.equal(config.origins.ddl, 'default');
  });

  it('treats empty environment variables and null flags as not given', () => {
    const dir = workdir({ '.env': 'SCSC_BATCH_SIZE=250\n' });
    const config = resolveIn(dir, { workers: undefined, group: null }, { SCSC_BATCH_SIZE: '' });
    assert.equal(config.batchSize, 250);
    assert.equal(config.origins.batchSize, 'dotenv');
    assert.equal(config.origins.workers, 'default');
    assert.equal(config.group, 'scsc-apply');
  });

  it('ignores flags that are not configuration fields', () => {
    const config = resolveIn(workdir(), { repair: true, since: 'yesterday', dryRun: true });
    assert.equal(config.dryRun, true);
    assert.equal('repair' in config, false);
  });

  it('never writes .env values into process.env', () => {
    const before = process.env.SCSC_CONSISTENCY;
    const config = resolveIn(workdir({ '.env': 'SCSC_CONSISTENCY=transaction\n' }));
    assert.equal(config.consistency, 'transaction');
    assert.equal(process.env.SCSC_CONSISTENCY, before);
  });

  it('ignores a .env directory (a Python virtualenv)', () => {
    const dir = workdir();
    mkdirSync(join(dir, '.env'));
    assert.equal(resolveIn(dir).batchSize, 1000);
  });
});

describe('resolveConfig: URLs from flags, environment and legacy names', () => {
  it('reads SCSC_SOURCE_URL / SCSC_TARGET_URL / SCSC_A_URL / SCSC_B_URL', () => {
    const config = resolveIn(workdir(), {}, {
      SCSC_SOURCE_URL: 'mysql://s:Src1pw@src:3307/app',
      SCSC_TARGET_URL: 'mysql://t:Tgt1pw@tgt/app',
      SCSC_A_URL: 'mysql://a@ahost/app',
      SCSC_B_URL: 'mariadb://b@bhost/app',
    });
    assert.equal(config.source?.host, 'src');
    assert.equal(config.source?.port, 3307);
    assert.equal(config.target?.password, 'Tgt1pw');
    assert.equal(config.a?.host, 'ahost');
    assert.equal(config.b?.host, 'bhost');
    assert.deepEqual(envNamesFor('source'), ['SCSC_SOURCE_URL', 'DEV_DB_URL']);
    assert.deepEqual(envNamesFor('batchSize'), ['SCSC_BATCH_SIZE']);
  });

  it('uses the legacy DEV_DB_URL / PROD_DB_URL only when the SCSC_ names are unset', () => {
    const legacy = { DEV_DB_URL: 'mysql://dev@devhost/app', PROD_DB_URL: 'mysql://prod@prodhost/app' };
    const onlyLegacy = resolveIn(workdir(), {}, legacy);
    assert.equal(onlyLegacy.source?.host, 'devhost');
    assert.equal(onlyLegacy.target?.host, 'prodhost');
    assert.equal(onlyLegacy.origins.source, 'env');

    const both = resolveIn(workdir(), {}, { ...legacy, SCSC_SOURCE_URL: 'mysql://new@newhost/app' });
    assert.equal(both.source?.host, 'newhost');
    assert.equal(both.target?.host, 'prodhost');

    const newInDotenv = resolveIn(workdir({ '.env': 'SCSC_TARGET_URL=mysql://t@dotenvhost/app\n' }), {}, legacy);
    assert.equal(newInDotenv.target?.host, 'dotenvhost');
    assert.equal(newInDotenv.origins.target, 'dotenv');

    const legacyInDotenv = resolveIn(workdir({ '.env': 'DEV_DB_URL=mysql://d@fromdotenv/app\n' }));
    assert.equal(legacyInDotenv.source?.host, 'fromdotenv');
  });

  it('lets a --source flag win over every environment name', () => {
    const config = resolveIn(workdir(), { source: 'mysql://f@flaghost/app' }, { SCSC_SOURCE_URL: 'mysql://e@envhost/app' });
    assert.equal(config.source?.host, 'flaghost');
    assert.equal(config.origins.source, 'flag');
  });

  it('names the origin of a malformed URL, without its password', () => {
    const fromEnv = configError(() => resolveIn(workdir(), {}, { SCSC_TARGET_URL: 'mysql://t:Bad1Url@tgt:port/db' }));
    assert.equal(fromEnv.code, 'URL_INVALID');
    assert.match(fromEnv.message, /^environment variable SCSC_TARGET_URL: /);
    assert.ok(!fromEnv.toLine().includes('Bad1Url'));

    const dir = workdir({ 'c.yaml': 'target: pgsql://t:Bad2Url@tgt/db\n' });
    const fromFile = configError(() => resolveIn(dir, { config: 'c.yaml' }));
    assert.match(fromFile.message, new RegExp(`^target in ${escape(join(dir, 'c.yaml'))} line 1: unsupported scheme`));
    assert.ok(!fromFile.toLine().includes('Bad2Url'));

    const notText = configError(() => resolveIn(workdir({ 'c.yaml': 'source: 42\n' }), { config: 'c.yaml' }));
    assert.equal(notText.code, 'CONFIG_INVALID');
    assert.match(notText.message, /invalid source 42/);
  });
});

describe('resolveConfig: the YAML config file', () => {
  it('accepts kebab-case, camelCase and snake_case keys, YAML types and comma strings', () => {
    const yaml = [
      'batch-size: 250',
      'keepFkChecks: true',
      'dry_run: yes',
      'include: [orders, "customers_*"]',
      'exclude: audit_log, tmp_*',
      'kafka:',
      '  - broker1:9092',
      '  - broker2:9092',
      'reconcile-every: 1h30m',
      'interval: 45',
      'metricsPort: 9464',
      'log-level: DEBUG',
      '',
    ].join('\n');
    const dir = workdir({ 'scsc.yaml': yaml });
    const config = resolveIn(dir, { config: 'scsc.yaml' });
    assert.equal(config.batchSize, 250);
    assert.equal(config.keepFkChecks, true);
    assert.equal(config.dryRun, true);
    assert.deepEqual(config.include, ['orders', 'customers_*']);
    assert.deepEqual(config.exclude, ['audit_log', 'tmp_*']);
    assert.deepEqual(config.kafka, ['broker1:9092', 'broker2:9092']);
    assert.equal(config.reconcileEvery, 5_400_000);
    assert.equal(config.interval, 45_000);
    assert.equal(config.metricsPort, 9464);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.configFile, join(dir, 'scsc.yaml'));
    assert.equal(config.origins.include, 'file');
  });

  it('is found through --config, SCSC_CONFIG (also in .env), and the configFile argument, in that order', () => {
    const dir = workdir({ 'a.yaml': 'group: from-a\n', 'b.yaml': 'group: from-b\n', 'c.yaml': 'group: from-c\n', '.env': 'SCSC_CONFIG=c.yaml\n' });
    assert.equal(resolveIn(dir).group, 'from-c');
    assert.equal(resolveIn(dir, {}, { SCSC_CONFIG: 'b.yaml' }).group, 'from-b');
    assert.equal(resolveIn(dir, { config: 'a.yaml' }, { SCSC_CONFIG: 'b.yaml' }).group, 'from-a');
    assert.equal(resolveIn(dir, { config: 'a.yaml' }, {}, { configFile: join(dir, 'b.yaml') }).group, 'from-b');
  });

  it('treats an empty file and empty values as not given', () => {
    const dir = workdir({ 'empty.yaml': '', 'blank.yaml': 'batch-size:\n' });
    assert.equal(resolveIn(dir, { config: 'empty.yaml' }).batchSize, 1000);
    const blank = resolveIn(dir, { config: 'blank.yaml' });
    assert.equal(blank.batchSize, 1000);
    assert.equal(blank.origins.batchSize, 'default');
  });

  it('rejects an unknown key, naming it and its line, and suggests the closest option', () => {
    const dir = workdir({ 'scsc.yaml': 'workers: 2\nbatch-sise: 10\n' });
    const error = configError(() => resolveIn(dir, { config: 'scsc.yaml' }));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /unknown option "batch-sise"/);
    assert.ok(error.message.includes(`${join(dir, 'scsc.yaml')} line 2`), error.message);
    assert.match(error.fix, /Did you mean "batch-size"\?/);

    const far = configError(() => resolveIn(workdir({ 'x.yaml': 'colour: blue\n' }), { config: 'x.yaml' }));
    assert.match(far.fix, /Known options: source, target, a, b, include, exclude, batch-size/);
  });

  it('rejects the same option under two spellings', () => {
    const dir = workdir({ 'scsc.yaml': 'batch-size: 10\nbatchSize: 20\n' });
    const error = configError(() => resolveIn(dir, { config: 'scsc.yaml' }));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /batchSize in .* line 2 repeats the option "batch-size"/);
  });

  it('reports invalid YAML as CONFIG_FILE_UNREADABLE with the path and the line', () => {
    const dir = workdir({ 'scsc.yaml': 'workers: 2\ninclude: [a, b\nexclude: c\n' });
    const error = configError(() => resolveIn(dir, { config: 'scsc.yaml' }));
    assert.equal(error.code, 'CONFIG_FILE_UNREADABLE');
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.includes(join(dir, 'scsc.yaml')), error.message);
    assert.match(error.message, /not valid YAML at line 3, column \d+/);
    assert.equal(error.details.line, 3);
  });

  it('reports a missing config file as CONFIG_FILE_UNREADABLE with the path', () => {
    const dir = workdir();
    const error = configError(() => resolveIn(dir, { config: 'nope.yaml' }));
    assert.equal(error.code, 'CONFIG_FILE_UNREADABLE');
    assert.ok(error.message.includes(join(dir, 'nope.yaml')), error.message);
    assert.match(error.message, /ENOENT/);
  });

  it('rejects a file that is not a mapping', () => {
    const error = configError(() => resolveIn(workdir({ 'l.yaml': '- a\n- b\n' }), { config: 'l.yaml' }));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /must be a mapping/);
  });
});

describe('resolveConfig: validation errors', () => {
  function expectInvalid(dir: string, flags: Record<string, unknown>, env: NodeJS.ProcessEnv, pattern: RegExp): ScscError {
    const error = configError(() => resolveIn(dir, flags, env));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.exitCode, 2);
    assert.ok(!error.toLine().includes('\n'), 'one line');
    assert.match(error.message, pattern);
    return error;
  }

  it('names the field, the flag, the bad value and the accepted values', () => {
    expectInvalid(workdir(), { batchSize: 'lots' }, {}, /^invalid batch-size "lots" \(from flag --batch-size\); expected an integer from 1 to 100000$/);
    expectInvalid(workdir(), { batchSize: 0 }, {}, /invalid batch-size 0 \(from flag --batch-size\)/);
    expectInvalid(workdir(), { detector: 'magic' }, {}, /invalid detector "magic" .*expected auto, binlog, content, off/);
  });

  it('names the environment variable', () => {
    expectInvalid(workdir(), {}, { SCSC_WORKERS: '65' }, /invalid workers "65" \(from environment variable SCSC_WORKERS\); expected an integer from 1 to 64/);
    expectInvalid(workdir(), {}, { SCSC_DRY_RUN: 'maybe' }, /invalid dry-run "maybe" \(from environment variable SCSC_DRY_RUN\); expected true or false/);
  });

  it('names the .env file', () => {
    const dir = workdir({ '.env': 'SCSC_LOG_LEVEL=loud\n' });
    expectInvalid(dir, {}, {}, new RegExp(`invalid log-level "loud" \\(from SCSC_LOG_LEVEL in ${escape(join(dir, '.env'))}\\); expected fatal, error, warn, info, debug, trace, silent`));
  });

  it('names the config file and line', () => {
    const dir = workdir({ 'scsc.yaml': 'group: g\nconsistency: eventual\n' });
    const error = configError(() => resolveIn(dir, { config: 'scsc.yaml' }));
    assert.match(error.message, new RegExp(`invalid consistency "eventual" \\(from consistency in ${escape(join(dir, 'scsc.yaml'))} line 2\\); expected table, transaction`));
    assert.equal(error.details.origin, 'file');
  });

  it('redacts secrets in the bad value', () => {
    const error = expectInvalid(workdir(), { kafka: 'mysql://u:Kafka9Secret@broker' }, {}, /invalid kafka/);
    assert.ok(!error.toLine().includes('Kafka9Secret'), error.toLine());
  });

  it('rejects zero or unparsable durations', () => {
    expectInvalid(workdir(), { interval: '0s' }, {}, /invalid interval "0s"/);
    expectInvalid(workdir(), {}, { SCSC_RECONCILE_EVERY: 'hourly' }, /invalid reconcile-every "hourly".*500ms, 30s, 5m, 1h, 1h30m/);
  });
});

describe('resolveConfig: value forms', () => {
  it('parses durations, lists and booleans from strings', () => {
    const config = resolveIn(workdir(), { include: ['a,b', 'c'], interval: '1h30m' }, {
      SCSC_EXCLUDE: ' x, y,,z ',
      SCSC_KAFKA: 'k1:9092,k2:9093',
      SCSC_RECONCILE_EVERY: '500ms',
      SCSC_JSON: '1',
      SCSC_KEEP_FK_CHECKS: 'off',
      SCSC_METRICS_PORT: '0',
    });
    assert.deepEqual(config.include, ['a', 'b', 'c']);
    assert.deepEqual(config.exclude, ['x', 'y', 'z']);
    assert.deepEqual(config.kafka, ['k1:9092', 'k2:9093']);
    assert.equal(config.interval, 5_400_000);
    assert.equal(config.reconcileEvery, 500);
    assert.equal(config.json, true);
    assert.equal(config.keepFkChecks, false);
    assert.equal(config.metricsPort, 0);
  });
});

describe('redactConfig', () => {
  it('prints URLs with masked passwords and keeps the other values', () => {
    const config = resolveIn(workdir(), { source: 'mysql://app:Redact7Me@src/db', batchSize: 5 });
    const printable = redactConfig(config);
    assert.equal(printable.source, 'mysql://app:***@src:3306/db');
    assert.equal(printable.batchSize, 5);
    assert.equal('target' in printable, false);
    assert.deepEqual(printable.origins, config.origins);
    assert.ok(!JSON.stringify(printable).includes('Redact7Me'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
