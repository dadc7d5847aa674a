import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { ScscError } from '../core/scsc-error.js';
import { childReaper, isRunning } from './child-reaper.js';
import { findBinary } from './find-binary.js';
import { findFreePort } from './free-port.js';

const run = promisify(execFile);

export interface MariaDbServerOptions {
  /** Label used in the temp dir name and in errors. */
  name?: string;
  /** Defaults to a fresh id per server in this process, so servers never share one. */
  serverId?: number;
  /** false starts the server with the binlog off (for negative tests). */
  binlog?: boolean;
  binlogFormat?: 'ROW' | 'STATEMENT' | 'MIXED';
  binlogRowImage?: 'FULL' | 'MINIMAL' | 'NOBLOB';
  binlogRowMetadata?: 'NO_LOG' | 'MINIMAL' | 'FULL';
  gtidDomainId?: number;
  /** Further mariadbd options, e.g. ['--max-connections=50']. */
  extraArgs?: string[];
  startTimeoutMs?: number;
  keepDataDir?: boolean;
  /** A port to listen on instead of a free one (e.g. one a stopped server had, to stand in for it). */
  port?: number;
}

export interface MariaDbServer {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly serverId: number;
  readonly baseDir: string;
  readonly logPath: string;
  /** mysql://root@127.0.0.1:port/db (root has no password on a sandbox). */
  url(database?: string, user?: string, password?: string): string;
  /** Runs SQL as root on a short-lived connection (multiple statements allowed). */
  sql(statements: string, database?: string): Promise<unknown>;
  /** Shuts the server down (as a service restart does), waits `downMs`, starts it again on the same port and data. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

let nextServerId = 1001;

export function mariaDbBinariesPresent(): boolean {
  return findBinary('mariadbd') !== undefined && findBinary('mariadb-install-db') !== undefined;
}

/**
 * Starts a throwaway MariaDB server from Debian's binaries: its own temp datadir, a free port on
 * 127.0.0.1, ROW/FULL binlog with GTIDs by default. stop() shuts it down and removes every file.
 */
export async function startMariaDbServer(options: MariaDbServerOptions = {}): Promise<MariaDbServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      // Another process can take the free port between our probe and mariadbd's bind: try a new one.
      if (attempt < 3 && options.port === undefined && error instanceof ScscError && error.details.portTaken === true) continue;
      throw error;
    }
  }
}

async function startOnce(options: MariaDbServerOptions): Promise<MariaDbServer> {
  const mariadbd = findBinary('mariadbd');
  const installDb = findBinary('mariadb-install-db');
  if (mariadbd === undefined || installDb === undefined) {
    throw new ScscError('SANDBOX_BINARY_MISSING', 'mariadbd / mariadb-install-db not found on PATH or in /usr/sbin');
  }
  const name = options.name ?? 'mariadb';
  const serverId = options.serverId ?? nextServerId++;
  const baseDir = await mkdtemp(join(tmpdir(), `scsc-${name.replace(/[^a-z0-9-]/gi, '')}-`));
  const dataDir = join(baseDir, 'data');
  const logPath = join(baseDir, 'error.log');
  const tmpDir = join(baseDir, 'tmp');
  const lean = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=64M'];

  try {
    await installDataDir(installDb, dataDir, tmpDir, lean);
  } catch (error) {
    await rm(baseDir, { recursive: true, force: true });
    const output = `${(error as { stderr?: string }).stderr ?? ''}${(error as { stdout?: string }).stdout ?? ''}`.trim();
    const lastLine = output.split('\n').filter(Boolean).at(-1) ?? String(error);
    throw new ScscError('SANDBOX_START_FAILED', `mariadb-install-db failed for sandbox ${name}: ${lastLine}`, {
      cause: error,
      details: { outputTail: output.split('\n').slice(-20).join('\n') },
    });
  }

  const port = options.port ?? await findFreePort();
  const args = [
    '--no-defaults', '--user=root', `--datadir=${dataDir}`, `--port=${port}`, '--bind-address=127.0.0.1',
    `--socket=${join(baseDir, 'mysqld.sock')}`, `--pid-file=${join(baseDir, 'mysqld.pid')}`,
    `--log-error=${logPath}`, `--tmpdir=${tmpDir}`, `--server-id=${serverId}`, '--skip-name-resolve', '--performance-schema=OFF',
    '--innodb-flush-log-at-trx-commit=2', '--max-allowed-packet=64M', '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci', ...lean,
    ...binlogArgs(options, baseDir),
    ...(options.extraArgs ?? []),
  ];
  const launch = (): ReturnType<typeof spawn> => {
    const started = spawn(mariadbd, args, { stdio: 'ignore' });
    started.on('error', () => undefined); // a failed spawn leaves child.pid unset, which the start wait reports
    childReaper.track(started, { label: 'mariadb', ...(options.keepDataDir === true ? {} : { removeDirOnOrphan: baseDir }) });
    started.unref();
    return started;
  };
  const child = launch();

  const server = makeServer({ name, port, serverId, baseDir, logPath, keep: options.keepDataDir === true, child, launch });
  try {
    await waitUntilReady(server, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await childReaper.stop(child, 5_000);
    const logTail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    const portTaken = /Address already in use|Bind on TCP\/IP port/.test(logTail);
    // The directory stays (with the log named in the message) unless we are about to retry.
    if (portTaken) await rm(baseDir, { recursive: true, force: true });
    throw new ScscError('SANDBOX_START_FAILED', `sandbox ${name} did not come up on port ${port}; log: ${logPath}`, {
      cause: error,
      details: { logTail, portTaken },
    });
  }
  return server;
}

/** One retry: a bootstrap can fail transiently when several start at once on a loaded machine. */
async function installDataDir(installDb: string, dataDir: string, tmpDir: string, lean: string[]): Promise<void> {
  // A private tmpdir: bootstraps running at once in the shared /tmp trip over each other's
  // temporary tables ("Unknown table 'mysql.tmp_user_sys'").
  await mkdir(tmpDir, { recursive: true });
  const args = [
    '--no-defaults', `--datadir=${dataDir}`, '--user=root', '--auth-root-authentication-method=normal',
    '--skip-test-db', '--skip-name-resolve', `--tmpdir=${tmpDir}`, ...lean,
  ];
  try {
    await run(installDb, args);
  } catch {
    await rm(dataDir, { recursive: true, force: true });
    await run(installDb, args);
  }
}

function binlogArgs(options: MariaDbServerOptions, baseDir: string): string[] {
  if (options.binlog === false) return ['--skip-log-bin'];
  return [
    `--log-bin=${join(baseDir, 'data', 'binlog')}`,
    `--binlog-format=${options.binlogFormat ?? 'ROW'}`,
    `--binlog-row-image=${options.binlogRowImage ?? 'FULL'}`,
    `--binlog-row-metadata=${options.binlogRowMetadata ?? 'MINIMAL'}`,
    `--gtid-domain-id=${options.gtidDomainId ?? 0}`,
    '--log-slave-updates=ON',
    '--sync-binlog=0',
  ];
}

interface ServerParts {
  name: string;
  port: number;
  serverId: number;
  baseDir: string;
  logPath: string;
  keep: boolean;
  child: ReturnType<typeof spawn>;
  launch: () => ReturnType<typeof spawn>;
}

function makeServer(parts: ServerParts): MariaDbServer {
  const host = '127.0.0.1';
  let stopping: Promise<void> | undefined;

  return {
    name: parts.name,
    host,
    port: parts.port,
    serverId: parts.serverId,
    baseDir: parts.baseDir,
    logPath: parts.logPath,
    url(database, user = 'root', password) {
      const auth = password === undefined ? encodeURIComponent(user) : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
      return `mysql://${auth}@${host}:${parts.port}/${database === undefined ? '' : encodeURIComponent(database)}`;
    },
    async sql(statements, database) {
      const connection = await mysql.createConnection({
        host, port: parts.port, user: 'root', database, multipleStatements: true,
        supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
      });
      try {
        const [result] = await connection.query(statements);
        return result;
      } finally {
        await connection.end();
      }
    },
    async restart(downMs = 0) {
      await childReaper.stop(parts.child, 15_000);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      parts.child = parts.launch();
      await waitUntilReady(this, parts.child, 30_000);
    },
    stop() {
      stopping ??= (async () => {
        await childReaper.stop(parts.child, 15_000);
        if (!parts.keep) await rm(parts.baseDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

async function waitUntilReady(server: MariaDbServer, child: ReturnType<typeof spawn>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!isRunning(child)) {
      throw new Error(`mariadbd exited with ${child.exitCode ?? child.signalCode ?? 'spawn error'}`, { cause: lastError });
    }
    try {
      await server.sql('SELECT 1');
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`not ready after ${timeoutMs} ms`, { cause: lastError });
}
