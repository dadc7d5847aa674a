import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { findFreePort } from '../../src/sandbox/free-port.js';
import { runCli, type CliResult } from '../env/run-cli.js';

const DESIGN_COMMANDS = ['check', 'sync', 'reconcile', 'watch', 'replicate', 'publish', 'apply', 'bidirectional', 'status'];
const BUILT = ['check', 'sync', 'reconcile', 'watch', 'replicate', 'status', 'demo'];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scsc-cli-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function assertOneLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('scsc command line', () => {
  it('lists every command of the design in --help and marks exactly the ones not built yet', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    const entries = new Map<string, string>();
    let current: string | undefined;
    for (const line of result.stdout.split('Commands:')[1]?.split('\n') ?? []) {
      const start = /^ {2}([a-z-]+) /.exec(line);
      if (start?.[1] !== undefined) entries.set((current = start[1]), line);
      else if (current !== undefined && /^ {3,}\S/.test(line)) entries.set(current, `${entries.get(current) ?? ''} ${line.trim()}`);
    }
    for (const command of DESIGN_COMMANDS) assert.ok(entries.has(command), `${command} missing from --help`);
    for (const command of BUILT) assert.doesNotMatch(entries.get(command) ?? '', /not built yet/, command);
    for (const command of DESIGN_COMMANDS.filter((c) => !BUILT.includes(c))) assert.match(entries.get(command) ?? '', /\[not built yet\]/, command);
  });

  it('runs the compiled CLI through bin/scsc.js, which is what `npx scsc` runs after npm ci', () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const version = execFileSync(process.execPath, [join(ROOT, 'bin', 'scsc.js'), '--version'], { encoding: 'utf8' });
    assert.match(version.trim(), /^\d+\.\d+\.\d+$/);
    const help = execFileSync(process.execPath, [join(ROOT, 'bin', 'scsc.js'), 'help', 'check'], { encoding: 'utf8' });
    assert.match(help, /Usage: scsc check/);
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  it('exits 2 with help on stderr when no command is given', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: scsc/);
  });

  it('says in one line that a command is not built yet and exits non-zero', async () => {
    const result = await runCli(['publish', '--source', 'mysql://u@h/db', '--kafka', 'localhost:9092']);
    assert.equal(result.code, 5);
    assertOneLine(result, /^scsc: error NOT_IMPLEMENTED: scsc publish is not built yet/);
  });

  it('rejects an unknown option with exit 2 and one line', async () => {
    const result = await runCli(['check', '--sorce', 'mysql://u@h/db']);
    assert.equal(result.code, 2);
    assertOneLine(result, /^scsc: error USAGE: unknown option '--sorce'.*--source/);
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await runCli(['replicat']);
    assert.equal(result.code, 2);
    assertOneLine(result, /^scsc: error USAGE: unknown command 'replicat'/);
  });

  it('rejects a malformed URL naming the flag, without printing the password', async () => {
    const result = await runCli(['check', '--source', 'mysql://admin:S3cret-pw@db.example:99999/shop']);
    assert.equal(result.code, 2);
    assertOneLine(result, /^scsc: error URL_INVALID: .*--source/);
    assert.doesNotMatch(result.stderr + result.stdout, /S3cret-pw/);
  });

  it('rejects an unsupported scheme', async () => {
    const result = await runCli(['check', '--source', 'postgres://u:pw-pg-1@localhost/db']);
    assert.equal(result.code, 2);
    assertOneLine(result, /URL_INVALID/);
    assert.doesNotMatch(result.stderr, /pw-pg-1/);
  });

  it('asks for a URL when none is given anywhere', async () => {
    const result = await runCli(['check'], { cwd: tempDir() });
    assert.equal(result.code, 2);
    assertOneLine(result, /^scsc: error URL_MISSING: .*--source/);
  });

  it('rejects a bad option value with the field, its origin and the accepted values', async () => {
    const result = await runCli(['check', '--source', 'mysql://u@127.0.0.1/db', '--log-level', 'loud']);
    assert.equal(result.code, 2);
    assertOneLine(result, /CONFIG_INVALID: .*log-level.*"loud".*--log-level.*debug/);
  });

  it('takes the source URL from the environment, from .env and from a YAML config file', async () => {
    const port = await findFreePort();
    const url = `mysql://root:pw-env-1@127.0.0.1:${port}/db`;
    const fromEnv = await runCli(['check', '--json'], { env: { SCSC_SOURCE_URL: url } });
    const fromLegacy = await runCli(['check', '--json'], { env: { DEV_DB_URL: url } });
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), `SCSC_SOURCE_URL=${url}\n`);
    const fromDotenv = await runCli(['check', '--json'], { cwd: dir });
    const yamlDir = tempDir();
    writeFileSync(join(yamlDir, 'scsc.yaml'), `source: ${url}\nlog-level: warn\n`);
    const fromFile = await runCli(['check', '--json', '--config', join(yamlDir, 'scsc.yaml')], { cwd: yamlDir });
    for (const result of [fromEnv, fromLegacy, fromDotenv, fromFile]) {
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout) as { servers: Array<{ endpoint: string }>; findings: Array<{ check: string }> };
      assert.equal(report.servers[0]?.endpoint, `root@127.0.0.1:${port}/db`);
      assert.equal(report.findings[0]?.check, 'connect.connection_refused');
      assert.doesNotMatch(result.stdout + result.stderr, /pw-env-1/);
    }
  });

  it('lets a flag win over the environment', async () => {
    const envPort = await findFreePort();
    const flagPort = envPort === 1 ? 2 : envPort - 1;
    const result = await runCli(['check', '--json', '--source', `mysql://root@127.0.0.1:${flagPort}/flag`], {
      env: { SCSC_SOURCE_URL: `mysql://root@127.0.0.1:${envPort}/env` },
    });
    const report = JSON.parse(result.stdout) as { servers: Array<{ endpoint: string }> };
    assert.equal(report.servers[0]?.endpoint, `root@127.0.0.1:${flagPort}/flag`);
  });

  it('reports an unknown key of the config file with the file and the key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'scsc.yaml'), 'source: mysql://u@h/db\nbatch-sise: 10\n');
    const result = await runCli(['check', '--config', join(dir, 'scsc.yaml')]);
    assert.equal(result.code, 2);
    assertOneLine(result, /CONFIG_INVALID: .*batch-sise.*scsc\.yaml/);
  });

  it('prints errors as JSON on stdout with --json', async () => {
    const result = await runCli(['check', '--json', '--source', 'mysql://u:pw-json-1@:3306/db']);
    assert.equal(result.code, 2);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string; fix: string } };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.error.code, 'URL_INVALID');
    assert.ok(parsed.error.fix.length > 0);
    assert.doesNotMatch(result.stdout, /pw-json-1/);
  });

  it('shows the stack trace only at --log-level debug', async () => {
    const result = await runCli(['check', '--log-level', 'debug', '--source', 'mysql://u:pw-debug-1@:3306/db']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /\n\s+at /);
    assert.doesNotMatch(result.stderr, /pw-debug-1/);
  });
});
