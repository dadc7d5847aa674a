import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/cli/scsc.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI (`npm run build`): what `npx scsc` and `npm run demo` run. */
const BUILT = fileURLToPath(new URL('../../bin/scsc.js', import.meta.url));

/**
 * Runs `scsc ARGS` as a user would, in a child process, from the TypeScript sources (or, with
 * `built`, through bin/scsc.js and the bundle `npm run build` made).
 */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; built?: boolean } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [...(options.built === true ? [BUILT] : ['--import', TSX_LOADER, ENTRY]), ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Decoded as a stream: a character split between two chunks must not turn into two U+FFFD.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 128)));
  return { code, stdout, stderr };
}

/** The parent's environment without scsc's own variables, so a developer's settings do not leak in. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('SCSC_') || key === 'DEV_DB_URL' || key === 'PROD_DB_URL' || key.startsWith('NODE_TEST')) delete env[key];
  }
  return env;
}

export interface RunningCli {
  readonly child: ReturnType<typeof spawn>;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or 128 + signal number style 137 for SIGKILL). */
  exited: Promise<number>;
}

/** Starts a long-running `scsc ARGS` (replicate, watch) in a child process; the caller stops it. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, ENTRY, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  return { child, output: () => output, exited };
}
