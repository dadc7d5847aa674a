import type { Logger } from '../observability/logger.js';

/**
 * Runs a long command with SIGINT/SIGTERM turned into an abort signal: the first signal logs
 * `message` and asks the work to stop cleanly, a second one exits at once (status 130).
 */
export async function runUntilSignal<T>(logger: Logger, message: string, work: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    logger.warn({ signal }, message);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
