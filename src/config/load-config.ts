import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { core } from 'zod';
import { redactValue } from '../core/redact.js';
import { ScscError } from '../core/scsc-error.js';
import { kebabCase, readConfigFile, type ConfigFileEntry } from './config-file.js';
import {
  ACCEPTED_VALUES,
  CONFIG_FIELDS,
  URL_FIELDS,
  resolvedConfigSchema,
  type ConfigField,
  type ConfigOrigin,
  type ResolvedConfig,
  type UrlField,
} from './config-schema.js';
import { parseDatabaseUrl } from './database-url.js';

export interface ConfigSources {
  /** Option values as commander gives them (camelCase keys); undefined means "not given", other keys are ignored. */
  flags: Readonly<Record<string, unknown>>;
  /** Defaults to process.env; a `.env` file in cwd is read too, but never written into it. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A config file path that wins over --config and SCSC_CONFIG. */
  configFile?: string;
}

interface Candidate {
  value: unknown;
  origin: ConfigOrigin;
  /** `flag --batch-size`, `environment variable SCSC_BATCH_SIZE`, `batch-size in /etc/scsc.yaml line 3`. */
  where: string;
}

const LEGACY_ENV_NAMES: Partial<Record<ConfigField, string>> = { source: 'DEV_DB_URL', target: 'PROD_DB_URL' };

/** The environment variables that set a field, preferred first: SCSC_BATCH_SIZE, SCSC_SOURCE_URL, DEV_DB_URL. */
export function envNamesFor(field: ConfigField): string[] {
  const name = `SCSC_${kebabCase(field).replace(/-/g, '_').toUpperCase()}`;
  if (!isUrlField(field)) return [name];
  const legacy = LEGACY_ENV_NAMES[field];
  return legacy === undefined ? [`${name}_URL`] : [`${name}_URL`, legacy];
}

/**
 * The configuration of one run. Per field: flag, then environment (real variables before `.env`, and the
 * SCSC_ names before the legacy DEV_DB_URL / PROD_DB_URL), then the YAML config file, then the default.
 * URLs are parsed (and their passwords registered for redaction) here.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const cwd = sources.cwd ?? process.cwd();
  const lookupEnv = environmentReader(sources.env ?? process.env, resolve(cwd, '.env'));
  const configFile = locateConfigFile(sources, lookupEnv, cwd);
  const fileEntries = configFile === undefined ? new Map<ConfigField, ConfigFileEntry>() : readConfigFile(configFile);

  const chosen = new Map<ConfigField, Candidate>();
  for (const field of CONFIG_FIELDS) {
    const fileEntry = fileEntries.get(field);
    const candidate =
      fromFlag(sources.flags, field) ??
      envNamesFor(field).map(lookupEnv).find((found) => found !== undefined) ??
      (fileEntry === undefined ? undefined : { ...fileEntry, origin: 'file' as const });
    if (candidate !== undefined) chosen.set(field, candidate);
  }

  const raw: Record<string, unknown> = {};
  for (const [field, candidate] of chosen) {
    raw[field] = isUrlField(field) ? parseUrlCandidate(field, candidate) : candidate.value;
  }
  const parsed = resolvedConfigSchema.safeParse(raw);
  if (!parsed.success) throw invalidValue(parsed.error.issues[0], chosen);

  const origins = Object.fromEntries(
    CONFIG_FIELDS.map((field) => [field, chosen.get(field)?.origin ?? 'default']),
  ) as Record<ConfigField, ConfigOrigin>;
  return { ...parsed.data, origins, configFile };
}

function isUrlField(field: ConfigField): field is UrlField {
  return (URL_FIELDS as readonly string[]).includes(field);
}

function fromFlag(flags: Readonly<Record<string, unknown>>, field: ConfigField): Candidate | undefined {
  const value = flags[field];
  if (value === undefined || value === null) return undefined;
  return { value, origin: 'flag', where: `flag --${kebabCase(field)}` };
}

/** Looks a variable up in the real environment, then in the `.env` file; empty values count as unset. */
function environmentReader(env: NodeJS.ProcessEnv, dotenvPath: string): (name: string) => Candidate | undefined {
  let dotenv: Record<string, string> | undefined;
  return (name) => {
    const real = env[name];
    if (real !== undefined && real.trim() !== '') {
      return { value: real, origin: 'env', where: `environment variable ${name}` };
    }
    dotenv ??= readDotenvFile(dotenvPath);
    const fromFile = dotenv[name];
    if (fromFile !== undefined && fromFile.trim() !== '') {
      return { value: fromFile, origin: 'dotenv', where: `${name} in ${dotenvPath}` };
    }
    return undefined;
  };
}

function readDotenvFile(path: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A Python virtualenv is often a directory named .env; it is not a settings file.
    if (code === 'ENOENT' || code === 'EISDIR') return {};
    throw new ScscError('CONFIG_FILE_UNREADABLE', `cannot read ${path} (${code ?? (error as Error).message})`, {
      cause: error,
      details: { path },
    });
  }
}

function locateConfigFile(
  sources: ConfigSources,
  lookupEnv: (name: string) => Candidate | undefined,
  cwd: string,
): string | undefined {
  const flag = sources.flags.config;
  const path = sources.configFile ?? (typeof flag === 'string' && flag !== '' ? flag : undefined);
  const fromEnv = lookupEnv('SCSC_CONFIG')?.value as string | undefined;
  const chosen = path ?? fromEnv;
  return chosen === undefined ? undefined : resolve(cwd, chosen);
}

function parseUrlCandidate(field: UrlField, candidate: Candidate): unknown {
  if (typeof candidate.value !== 'string') {
    throw new ScscError(
      'CONFIG_INVALID',
      `invalid ${field} ${shown(candidate.value)} (from ${candidate.where}); expected ${ACCEPTED_VALUES[field]}`,
      { details: { field, origin: candidate.origin, where: candidate.where } },
    );
  }
  return parseDatabaseUrl(candidate.value, candidate.where);
}

function invalidValue(issue: core.$ZodIssue | undefined, chosen: Map<ConfigField, Candidate>): ScscError {
  const field = CONFIG_FIELDS.find((name) => name === issue?.path[0]);
  if (field === undefined) {
    return new ScscError('INTERNAL', `configuration failed validation outside any field: ${issue?.message ?? 'no issue'}`);
  }
  const candidate = chosen.get(field);
  const name = kebabCase(field);
  const where = candidate?.where ?? 'the default';
  return new ScscError(
    'CONFIG_INVALID',
    `invalid ${name} ${shown(candidate?.value)} (from ${where}); expected ${ACCEPTED_VALUES[field]}`,
    {
      fix: `Change ${where}, or leave it out to use the default`,
      details: { field: name, origin: candidate?.origin ?? 'default', where },
    },
  );
}

function shown(value: unknown): string {
  const text = JSON.stringify(redactValue(value)) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
