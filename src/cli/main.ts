import { CommanderError } from 'commander';
import { ERROR_CODES } from '../core/error-codes.js';
import { redactText } from '../core/redact.js';
import { ScscError, isScscError } from '../core/scsc-error.js';
import type { CliContext } from './cli-context.js';
import { buildProgram } from './program.js';

/**
 * Runs the CLI and returns the exit status. Every failure becomes one line on stderr (and a JSON
 * object on stdout with --json); the stack trace is printed only at --log-level debug or trace.
 */
export async function main(argv: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const context: CliContext = {
    exitCode: 0, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), ...overrides,
  };
  const program = buildProgram(context);
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return ERROR_CODES.USAGE.exit;
    }
    await program.parseAsync(argv);
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && HELP_CODES.has(error.code)) return error.exitCode === 0 ? 0 : ERROR_CODES.USAGE.exit;
    const scscError = toScscError(error);
    context.stderr.write(`scsc: ${scscError.toLine()}\n`);
    if (context.json ?? argv.includes('--json')) context.stdout.write(`${JSON.stringify({ ok: false, error: scscError.toJSON() })}\n`);
    if (wantsStack(context.logLevel ?? argLogLevel(argv) ?? context.env.SCSC_LOG_LEVEL)) context.stderr.write(`${redactText(stackOf(error))}\n`);
    return scscError.exitCode;
  }
}

function toScscError(error: unknown): ScscError {
  if (isScscError(error)) return error;
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error:\s*/i, '').split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
    return new ScscError('USAGE', message, { fix: 'run `scsc --help` or `scsc <command> --help` for the accepted options' });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ScscError('INTERNAL', message.split('\n')[0] ?? message, { cause: error });
}

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** --log-level from argv, for errors raised before the configuration is resolved. */
function argLogLevel(argv: string[]): string | undefined {
  const index = argv.indexOf('--log-level');
  return argv.find((a) => a.startsWith('--log-level='))?.split('=')[1] ?? (index >= 0 ? argv[index + 1] : undefined);
}

function wantsStack(level: string | undefined): boolean {
  return level === 'debug' || level === 'trace';
}

function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 5) {
    parts.push(current.stack ?? current.message);
    current = current.cause;
  }
  return parts.join('\ncaused by: ');
}
