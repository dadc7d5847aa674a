import { createRequire } from 'node:module';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import type pinoPretty from 'pino-pretty';
import { redactText, redactValue } from '../core/redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable lines instead of JSON; defaults to whether stderr (where logs go) is a terminal. */
  pretty?: boolean;
  /** Where log lines go; defaults to stderr (fd 2) so stdout stays free for --json output. */
  destination?: NodeJS.WritableStream;
}

/**
 * The one logger factory: JSON lines on stderr, readable lines when a person is watching, and every
 * argument redacted before it is formatted so no password reaches a log.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const usePretty = options.pretty ?? process.stderr.isTTY === true;
  const destination = usePretty
    ? loadPretty()({ destination: options.destination ?? 2, sync: true, colorize: process.stderr.isTTY, ignore: 'pid,hostname' })
    : (options.destination ?? pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level,
      base: undefined,
      hooks: {
        logMethod(args, method) {
          const clean = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : redactValue(arg)));
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (error: unknown) => redactValue(pino.stdSerializers.err(error as Error)),
      },
    },
    destination,
  );
}

/** pino-pretty, loaded only for a terminal: logs to a pipe or file never need it. */
function loadPretty(): typeof pinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
}
