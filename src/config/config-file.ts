import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { ScscError } from '../core/scsc-error.js';
import { CONFIG_FIELDS, type ConfigField } from './config-schema.js';

export interface ConfigFileEntry {
  value: unknown;
  /** `batch-size in /etc/scsc.yaml line 3`, for error messages. */
  where: string;
}

/**
 * Reads a YAML config file into its fields. Keys may be camelCase (`batchSize`), kebab-case
 * (`batch-size`) or snake_case; an unknown key is an error so a typo cannot silently fall back to a
 * default. A key whose value is empty (`batch-size:`) counts as not given.
 */
export function readConfigFile(path: string): Map<ConfigField, ConfigFileEntry> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ScscError('CONFIG_FILE_UNREADABLE', `cannot read the config file ${path} (${reason})`, {
      cause: error,
      details: { path },
    });
  }

  // Loaded here: most runs read no config file.
  const { isMap, isNode, isScalar, LineCounter, parseDocument } = createRequire(import.meta.url)('yaml') as typeof Yaml;
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError !== undefined) {
    const { line, col } = lines.linePos(syntaxError.pos[0]);
    throw new ScscError(
      'CONFIG_FILE_UNREADABLE',
      `the config file ${path} is not valid YAML at line ${line}, column ${col}: ${syntaxError.message}`,
      { cause: syntaxError, details: { path, line, column: col } },
    );
  }

  const entries = new Map<ConfigField, ConfigFileEntry>();
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return entries;
  if (!isMap(root)) {
    throw new ScscError('CONFIG_INVALID', `the config file ${path} must be a mapping of option names to values`, {
      fix: 'Write one `option: value` per line, e.g. `batch-size: 500`',
      details: { path },
    });
  }

  const firstKeyOf = new Map<ConfigField, string>();
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const line = isNode(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : undefined;
    const where = `${key} in ${path}${line === undefined ? '' : ` line ${line}`}`;
    const field = fieldForKey(key);
    if (field === undefined) {
      const guess = closestField(key);
      throw new ScscError('CONFIG_INVALID', `unknown option "${key}" in the config file ${path}${line === undefined ? '' : ` line ${line}`}`, {
        fix: guess === undefined ? `Known options: ${CONFIG_FIELDS.map(kebabCase).join(', ')}` : `Did you mean "${guess}"?`,
        details: { path, key, line },
      });
    }
    const earlier = firstKeyOf.get(field);
    if (earlier !== undefined) {
      throw new ScscError('CONFIG_INVALID', `${where} repeats the option "${earlier}"`, {
        fix: 'Keep one of the two spellings',
        details: { path, key },
      });
    }
    firstKeyOf.set(field, key);
    const value: unknown = isNode(pair.value) ? pair.value.toJS(document) : pair.value;
    if (value !== null && value !== undefined) entries.set(field, { value, where });
  }
  return entries;
}

export function kebabCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function fieldForKey(key: string): ConfigField | undefined {
  const camel = key.trim().replace(/[-_]+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
  return CONFIG_FIELDS.find((field) => field === camel);
}

function closestField(key: string): string | undefined {
  const wanted = kebabCase(key).toLowerCase().replace(/_/g, '-');
  let best: { name: string; distance: number } | undefined;
  for (const name of CONFIG_FIELDS.map(kebabCase)) {
    const distance = editDistance(wanted, name);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
