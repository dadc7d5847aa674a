import { columnClass } from '../core/column-class.js';
import { keyString, type RowValue } from '../core/row-value.js';
import { GROUP_CONCAT_BYTES } from '../mysql/session-pool.js';
import { compareIntegerText, normalInteger } from './diff-integer-spans.js';
import type { RowDifferences } from './diff-result.js';
import type { TableSide } from './table-side.js';

export interface RowCounts {
  sourceRows: number;
  targetRows: number;
}

/** Every row as [key values..., 64-bit digest as hex]. */
type KeyedDigest = RowValue[];

/**
 * Compares row by row the rows `where` selects on both servers (read at once): each row's key and a
 * 64-bit digest of its canonical form, nothing else, matched by key value. Differences are appended
 * to `into`. With a `limit`, a side holding more rows than that makes it return undefined without
 * comparing. (Single-column integer keys have compareRowsInKeyOrder.)
 */
export async function compareRows(
  source: TableSide, target: TableSide, where: (side: TableSide) => string, into: RowDifferences, limit?: number,
): Promise<RowCounts | undefined> {
  const read = async (side: TableSide): Promise<KeyedDigest[]> => {
    const sql = `SELECT ${side.sql.keySelect}, ${side.sql.rowDigest} FROM ${side.from} WHERE ${where(side)}${limit === undefined ? '' : ` LIMIT ${limit + 1}`}`;
    const [rows] = await side.pool.query({ sql, rowsAsArray: true });
    return rows as KeyedDigest[];
  };
  const [onSource, onTarget] = await Promise.all([read(source), read(target)]);
  if (limit !== undefined && (onSource.length > limit || onTarget.length > limit)) return undefined;
  matchByKey(onSource, onTarget, source.keyColumns.length, into);
  return { sourceRows: onSource.length, targetRows: onTarget.length };
}

/**
 * compareRows for a single-column integer key, in pages of at most `pageRows` rows a side: both
 * servers send `key digest` texts in key order (one value per row to decode; equal rows are equal
 * texts) and the lists are merged. A page is compared up to the smaller of the last keys of full
 * pages (past it the other side is not read yet); the next page starts after that key.
 */
export async function compareRowsInKeyOrder(
  source: TableSide, target: TableSide, where: (side: TableSide) => string, into: RowDifferences, pageRows = 50_000,
): Promise<RowCounts> {
  const counts: RowCounts = { sourceRows: 0, targetRows: 0 };
  let after: string | undefined;
  for (;;) {
    const read = async (side: TableSide): Promise<string[]> => {
      const from = after === undefined ? '' : ` AND ${side.sql.keyList} > ${after}`;
      const [rows] = await side.pool.query({
        sql: `SELECT CONCAT(${side.sql.keyList}, ' ', ${side.sql.rowDigest}) FROM ${side.from} WHERE (${where(side)})${from} ORDER BY ${side.sql.keyList} LIMIT ${pageRows}`,
        rowsAsArray: true,
      });
      return (rows as Array<[string]>).map((row) => row[0]);
    };
    let [onSource, onTarget] = await Promise.all([read(source), read(target)]);
    const lastKeys = [onSource, onTarget].filter((rows) => rows.length === pageRows).map((rows) => keyOf(rows[rows.length - 1] as string));
    const bound = lastKeys.reduce<string | undefined>((m, k) => (m === undefined || compareIntegerText(k, m) < 0 ? k : m), undefined);
    if (bound !== undefined) {
      onSource = upTo(onSource, bound);
      onTarget = upTo(onTarget, bound);
    }
    mergeByIntegerKey(onSource, onTarget, into);
    counts.sourceRows += onSource.length;
    counts.targetRows += onTarget.length;
    if (bound === undefined) return counts;
    after = normalInteger(bound);
  }
}

/** How many rows a digest list is asked for at most; lowered to what the servers' limit holds once one reports it. */
export interface DigestListAim {
  rows: number;
}

/**
 * compareRowsInKeyOrder in one answer a side: every row's `key digest` joined into one text by
 * GROUP_CONCAT. The servers do the work of a chunk hash (no GROUP BY, no ORDER BY) and send about 25
 * bytes a row in one value, which scsc splits instead of decoding a result row per row. Returns
 * undefined, having compared nothing, when a side's list may have been cut.
 *
 * GROUP_CONCAT silently cuts its result at the smaller of group_concat_max_len and max_allowed_packet,
 * anywhere, even inside the last entry (which the count would not show): the same statement reports
 * that limit, and a list that reaches it is never used. `aim` follows the limit reported.
 */
export async function compareDigestLists(
  source: TableSide, target: TableSide, where: (side: TableSide) => string, into: RowDifferences, aim?: DigestListAim,
): Promise<RowCounts | undefined> {
  const read = async (side: TableSide): Promise<string[] | undefined> => {
    const [rows] = await side.pool.query({
      sql: `SELECT COUNT(*), GROUP_CONCAT(${side.sql.keyList}, ' ', ${side.sql.rowDigest}), LEAST(@@session.group_concat_max_len, @@session.max_allowed_packet)
        FROM ${side.from} WHERE ${where(side)}`,
      rowsAsArray: true,
    });
    const [count, list, limit] = (rows as Array<[string, string | Buffer | null, string]>)[0] ?? ['0', null, '0'];
    if (aim !== undefined) aim.rows = Math.min(aim.rows, digestListRows(Number(limit)));
    if (list === null) return Number(count) === 0 ? [] : undefined;
    const text = typeof list === 'string' ? list : list.toString('latin1');
    if (text.length >= Number(limit)) return undefined;
    const entries = text.split(',');
    if (entries.length !== Number(count)) return undefined;
    // Without ORDER BY the rows come in the order the server read them: the key's, on a range of the
    // primary key. Checked, since another plan may read them otherwise.
    for (let i = 1; i < entries.length; i++) {
      if (compareIntegerText(keyOf(entries[i - 1] as string), keyOf(entries[i] as string)) > 0) return entries.sort((a, b) => compareIntegerText(keyOf(a), keyOf(b)));
    }
    return entries;
  };
  const [onSource, onTarget] = await Promise.all([read(source), read(target)]);
  if (onSource === undefined || onTarget === undefined) return undefined;
  mergeByIntegerKey(onSource, onTarget, into);
  return { sourceRows: onSource.length, targetRows: onTarget.length };
}

/** Rows whose list surely fits in `bytes`: 38 bytes a row at most (a 20-digit key, a space, 16 hex digits, a comma). */
function digestListRows(bytes: number): number {
  return Math.floor(bytes / 38);
}

/**
 * Rows a digest list is asked for at most, within the sessions' own GROUP_CONCAT limit (a server's
 * smaller max_allowed_packet lowers it: DigestListAim). A list cut all the same is read in pages.
 */
export const DIGEST_LIST_ROWS = digestListRows(GROUP_CONCAT_BYTES);

const keyOf = (text: string): string => text.slice(0, text.indexOf(' '));

/** The rows (in key order) whose key is at most `bound`. */
function upTo(rows: string[], bound: string): string[] {
  let end = rows.length;
  while (end > 0 && compareIntegerText(keyOf(rows[end - 1] as string), bound) > 0) end--;
  return end === rows.length ? rows : rows.slice(0, end);
}

export function singleIntegerKey(side: TableSide): boolean {
  const [key] = side.keyColumns;
  return side.keyColumns.length === 1 && key !== undefined && columnClass(key) === 'integer';
}

/** Both lists of `key digest` texts in key order (ORDER BY an integer key): one merge, no map. */
function mergeByIntegerKey(onSource: readonly string[], onTarget: readonly string[], into: RowDifferences): void {
  let i = 0;
  let j = 0;
  while (i < onSource.length && j < onTarget.length) {
    const s = onSource[i] as string;
    const t = onTarget[j] as string;
    if (s === t) {
      i++;
      j++;
      continue;
    }
    const order = compareIntegerText(keyOf(s), keyOf(t));
    if (order === 0) {
      // Same value, other text (ZEROFILL widths): the digests decide.
      if (s.slice(s.indexOf(' ')) !== t.slice(t.indexOf(' '))) into.changed.push([keyOf(s)]);
      i++;
      j++;
    } else if (order < 0) {
      into.missing.push([keyOf(s)]);
      i++;
    } else {
      into.extra.push([keyOf(t)]);
      j++;
    }
  }
  for (; i < onSource.length; i++) into.missing.push([keyOf(onSource[i] as string)]);
  for (; j < onTarget.length; j++) into.extra.push([keyOf(onTarget[j] as string)]);
}

/** Any other key: JavaScript cannot order it as the servers' collations do, so match by value. */
function matchByKey(onSource: readonly KeyedDigest[], onTarget: readonly KeyedDigest[], keyLength: number, into: RowDifferences): void {
  // Target rows not yet matched by a source row: what is left at the end is extra.
  const unmatched = new Map<string, KeyedDigest>();
  for (const row of onTarget) unmatched.set(keyString(row, keyLength), row);
  for (const row of onSource) {
    const id = keyString(row, keyLength);
    const other = unmatched.get(id);
    if (other === undefined) {
      into.missing.push(row.slice(0, keyLength));
      continue;
    }
    unmatched.delete(id);
    if (other[keyLength] !== row[keyLength]) into.changed.push(row.slice(0, keyLength));
  }
  for (const row of unmatched.values()) into.extra.push(row.slice(0, keyLength));
}
