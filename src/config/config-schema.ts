import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { DatabaseUrl } from './database-url.js';
import { DURATION_SYNTAX, parseDuration } from './duration.js';

export const DETECTORS = ['auto', 'binlog', 'content', 'off'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const CONSISTENCY_MODES = ['table', 'transaction'] as const;
export const DDL_POLICIES = ['apply', 'stop'] as const;

export const URL_FIELDS = ['source', 'target', 'a', 'b'] as const;
export type UrlField = (typeof URL_FIELDS)[number];

export function defaultWorkers(): number {
  return Math.min(8, Math.max(2, availableParallelism()));
}

const stringList = z
  .union([z.string(), z.array(z.union([z.string(), z.number()]))])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((item) => String(item).split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const integer = (min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .transform((value) => (typeof value === 'number' ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN))
    .pipe(z.number().int().min(min).max(max));

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false };
const boolean = z
  .union([z.boolean(), z.string()])
  .transform((value) => (typeof value === 'boolean' ? value : BOOLEAN_WORDS[value.trim().toLowerCase()]))
  .pipe(z.boolean());

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values));

const duration = z
  .union([z.number(), z.string()])
  .transform((value) => parseDuration(value))
  .pipe(z.number().int().positive());

const text = z.string().trim().min(1);

/** What a config file, the environment or the command line may give; every field optional. */
export const configInputSchema = z
  .object({
    source: z.string(),
    target: z.string(),
    a: z.string(),
    b: z.string(),
    include: stringList,
    exclude: stringList,
    batchSize: integer(1, 100_000),
    workers: integer(1, 64),
    dryRun: boolean,
    keepFkChecks: boolean,
    detector: oneOf(DETECTORS),
    state: text,
    json: boolean,
    logLevel: oneOf(LOG_LEVELS),
    kafka: stringList.pipe(z.array(z.string().regex(/^\S+:\d{1,5}$/))),
    topicPrefix: z.string().trim().regex(/^[A-Za-z0-9._-]+$/),
    group: text,
    interval: duration,
    reconcileEvery: duration,
    consistency: oneOf(CONSISTENCY_MODES),
    maxTransactionMib: integer(1, 1_048_576),
    ddl: oneOf(DDL_POLICIES),
    conflict: text,
    metricsPort: integer(0, 65_535),
    resnapshotOnPurge: boolean,
    resnapshotOnSourceChange: boolean,
    fireTriggers: boolean,
  })
  .partial()
  .strict();

export type ConfigInput = z.input<typeof configInputSchema>;
export type ConfigField = keyof ConfigInput;

const input = configInputSchema.shape;
const databaseUrl = z.custom<DatabaseUrl>((value) => typeof value === 'object' && value !== null && 'host' in value);

/** Every field with its default filled; URL fields hold parsed URLs (parsing happens in load-config). */
export const resolvedConfigSchema = z.object({
  source: databaseUrl.optional(),
  target: databaseUrl.optional(),
  a: databaseUrl.optional(),
  b: databaseUrl.optional(),
  include: input.include.unwrap().default([]),
  exclude: input.exclude.unwrap().default([]),
  batchSize: input.batchSize.unwrap().default(1000),
  workers: input.workers.unwrap().default(defaultWorkers),
  dryRun: input.dryRun.unwrap().default(false),
  keepFkChecks: input.keepFkChecks.unwrap().default(false),
  detector: input.detector.unwrap().default('auto'),
  state: input.state.unwrap().default('.scsc/state.json'),
  json: input.json.unwrap().default(false),
  logLevel: input.logLevel.unwrap().default('info'),
  kafka: input.kafka.unwrap().default([]),
  topicPrefix: input.topicPrefix.unwrap().default('scsc'),
  group: input.group.unwrap().default('scsc-apply'),
  interval: input.interval.unwrap().default(30_000),
  reconcileEvery: input.reconcileEvery,
  consistency: input.consistency.unwrap().default('table'),
  maxTransactionMib: input.maxTransactionMib.unwrap().default(256),
  ddl: input.ddl.unwrap().default('apply'),
  conflict: input.conflict.unwrap().default('a-wins'),
  metricsPort: input.metricsPort,
  resnapshotOnPurge: input.resnapshotOnPurge.unwrap().default(false),
  resnapshotOnSourceChange: input.resnapshotOnSourceChange.unwrap().default(false),
  fireTriggers: input.fireTriggers.unwrap().default(false),
});

export type ConfigValues = z.output<typeof resolvedConfigSchema>;

/** The accepted values of each field, as quoted in validation errors. */
export const ACCEPTED_VALUES: Record<ConfigField, string> = {
  source: 'a URL such as mysql://user:password@host:3306/db',
  target: 'a URL such as mysql://user:password@host:3306/db',
  a: 'a URL such as mysql://user:password@host:3306/db',
  b: 'a URL such as mysql://user:password@host:3306/db',
  include: 'table names or globs, comma separated',
  exclude: 'table names or globs, comma separated',
  batchSize: 'an integer from 1 to 100000',
  workers: 'an integer from 1 to 64',
  dryRun: 'true or false',
  keepFkChecks: 'true or false',
  detector: DETECTORS.join(', '),
  state: 'a file path',
  json: 'true or false',
  logLevel: LOG_LEVELS.join(', '),
  kafka: 'brokers as host:port, comma separated',
  topicPrefix: 'letters, digits, ".", "_" and "-"',
  group: 'a consumer group name',
  interval: `${DURATION_SYNTAX}, above zero`,
  reconcileEvery: `${DURATION_SYNTAX}, above zero`,
  consistency: CONSISTENCY_MODES.join(', '),
  maxTransactionMib: 'a whole number of MiB from 1 to 1048576',
  ddl: DDL_POLICIES.join(', '),
  conflict: 'a conflict policy such as a-wins or b-wins',
  metricsPort: 'a port number from 0 to 65535 (0 picks a free port)',
  resnapshotOnPurge: 'true or false',
  resnapshotOnSourceChange: 'true or false',
  fireTriggers: 'true or false',
};

export const CONFIG_FIELDS = Object.keys(ACCEPTED_VALUES) as ConfigField[];

export type ConfigOrigin = 'flag' | 'env' | 'dotenv' | 'file' | 'default';

export type ResolvedConfig = ConfigValues & {
  /** Where each field's value came from, for `--log-level debug`. */
  origins: Record<ConfigField, ConfigOrigin>;
  /** The absolute path of the YAML config file read, if any. */
  configFile: string | undefined;
};
