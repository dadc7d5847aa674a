import { redactValue } from '../core/redact.js';
import { URL_FIELDS, type ResolvedConfig } from './config-schema.js';

/** A printable copy of the configuration: URLs as their redacted display strings, secrets masked. */
export function redactConfig(config: ResolvedConfig): Record<string, unknown> {
  const printable: Record<string, unknown> = { ...config };
  for (const field of URL_FIELDS) {
    const url = config[field];
    if (url !== undefined) printable[field] = url.display;
  }
  return redactValue(printable);
}
