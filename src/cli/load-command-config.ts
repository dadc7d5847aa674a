import { resolveConfig } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/config-schema.js';
import { redactConfig } from '../config/redact-config.js';
import { createLogger, type Logger } from '../observability/logger.js';
import type { CliContext } from './cli-context.js';

/** Resolves a command's configuration (flags > env > .env > file > defaults) and its logger. */
export function loadCommandConfig(flags: Record<string, unknown>, context: CliContext): { config: ResolvedConfig; logger: Logger } {
  const config = resolveConfig({ flags, env: context.env, cwd: context.cwd });
  context.json = config.json;
  context.logLevel = config.logLevel;
  const logger = createLogger({ level: config.logLevel });
  logger.debug({ config: redactConfig(config) }, 'configuration resolved');
  return { config, logger };
}
