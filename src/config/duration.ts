const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const DURATION_SYNTAX = 'a duration such as 500ms, 30s, 5m, 1h, 1h30m or 1d (a plain number means seconds)';

/**
 * Milliseconds for `500ms`, `30s`, `5m`, `1h`, `1h30m`, `1d`; a plain number (or numeric string) is
 * seconds. Returns undefined for anything else, so callers can report the error with its context.
 */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1_000) : undefined;
  }
  const text = input.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  if (text === '') return undefined;
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/y;
  let total = 0;
  let end = 0;
  for (let match = part.exec(text); match !== null; match = part.exec(text)) {
    const [, amount = '', unit = 's'] = match;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    end = part.lastIndex;
    while (text[part.lastIndex] === ' ') part.lastIndex += 1;
  }
  return end === text.length ? Math.round(total) : undefined;
}
