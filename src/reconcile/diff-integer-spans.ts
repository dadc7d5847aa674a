/** An inclusive range of a single-column integer key, [lo, hi]; an undefined end is unbounded. */
export interface IntSpan {
  lo?: bigint;
  hi?: bigint;
}

/** Spans sorted by start with touching or overlapping neighbours joined. */
export function joinSpans(spans: readonly IntSpan[]): IntSpan[] {
  const sorted = [...spans].sort((a, b) => (a.lo === b.lo ? 0 : a.lo === undefined ? -1 : b.lo === undefined ? 1 : a.lo < b.lo ? -1 : 1));
  const joined: IntSpan[] = [];
  for (const span of sorted) {
    const last = joined[joined.length - 1];
    if (last !== undefined && (last.hi === undefined || (span.lo !== undefined && span.lo <= last.hi + 1n))) {
      if (last.hi !== undefined && (span.hi === undefined || span.hi > last.hi)) {
        if (span.hi === undefined) delete last.hi;
        else last.hi = span.hi;
      }
      continue;
    }
    joined.push({ ...span });
  }
  return joined;
}

/** How many key values the spans cover; an open end counts as `openWidth` values. */
export function spanWidth(spans: readonly IntSpan[], openWidth: bigint): bigint {
  let width = 0n;
  for (const { lo, hi } of spans) width += lo === undefined || hi === undefined ? openWidth : hi - lo + 1n;
  return width;
}

/** WHERE condition for a set of spans of the key column `key` (an SQL expression). */
export function spansSql(key: string, spans: readonly IntSpan[]): string {
  if (spans.length === 0) return '1=0';
  return spans.map(({ lo, hi }) => {
    if (lo !== undefined && hi !== undefined) return lo === hi ? `${key} = ${lo}` : `${key} BETWEEN ${lo} AND ${hi}`;
    if (lo !== undefined) return `${key} >= ${lo}`;
    if (hi !== undefined) return `${key} <= ${hi}`;
    return '1=1';
  }).map((c) => `(${c})`).join(' OR ');
}

/**
 * Order of two integers written as decimal text (as the servers send them; a ZEROFILL column may
 * pad with zeros): the order of the values.
 */
export function compareIntegerText(a: string, b: string): number {
  if (a === b) return 0;
  const x = normalInteger(a);
  const y = normalInteger(b);
  const negX = x.charCodeAt(0) === 45;
  const negY = y.charCodeAt(0) === 45;
  if (negX !== negY) return negX ? -1 : 1;
  const magnitude = x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
  return negX ? -magnitude : magnitude;
}

/** The text without leading zeros (`-0` reads as `0`). */
export function normalInteger(text: string): string {
  const first = text.charCodeAt(0);
  const digitsStart = first === 45 ? 1 : 0;
  if (text.charCodeAt(digitsStart) !== 48 || text.length === digitsStart + 1) return text;
  let i = digitsStart;
  while (i < text.length - 1 && text.charCodeAt(i) === 48) i++;
  const digits = text.slice(i);
  return digitsStart === 1 && digits !== '0' ? `-${digits}` : digits;
}
