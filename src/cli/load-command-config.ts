import type { ResolvedConfig } from '../config/config-schema.js';
import type { Logger } from '../observability/logger.js';
import type { CliContext } from './cli-context.js';

/**
 * Resolves a command's configuration (flags > env > .env > file > defaults) and its logger. The
 * validator and the logger are loaded here, when a command runs, never for `--help` or `--version`.
 */
export async function loadCommandConfig(flags: Record<string, unknown>, context: CliContext): Promise<{ config: ResolvedConfig; logger: Logger }> {
  const [{ resolveConfig }, { redactConfig }, { createLogger }] = await Promise.all([
    import('../config/load-config.js'), import('../config/redact-config.js'), import('../observability/logger.js'),
  ]);
  const config = resolveConfig({ flags, env: context.env, cwd: context.cwd });
  context.json = config.json;
  context.logLevel = config.logLevel;
  const logger = createLogger({ level: config.logLevel });
  logger.debug({ config: redactConfig(config) }, 'configuration resolved');
  return { config, logger };
}
