import type { ChangeEvent, RowImage } from '../core/change-event.js';
import { keyString, textBytesCharset, type RowValue } from '../core/row-value.js';
import { ScscError } from '../core/scsc-error.js';
import type { ColumnSchema } from '../core/table-schema.js';
import { literalWriter, sqlLiteral } from '../mysql/sql-literal.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { keyInSql } from '../reconcile/key-range.js';
import { PackedRow } from '../source/binlog-row-reader.js';
import { PackedRowChange } from '../source/packed-row-change.js';
import { upsertClause } from './row-statements.js';
import type { TargetTable } from './target-table.js';

export interface StatementLimits {
  rows: number;
  bytes: number;
  /** MySQL 8.0.19+: `AS new ON DUPLICATE KEY UPDATE c = new.c` instead of VALUES(c). */
  upsertRowAlias: boolean;
  /** Keep the source's order of writes (FK checks on, or other unique keys): no merging by key. */
  keepOrder: boolean;
  /**
   * The target's FKs cascade this table's deletes and key changes to child rows (the binlog does not
   * carry those child changes): they run with FK checks on, as on the source, and a key change is an
   * UPDATE of the key (ON UPDATE rules) rather than a delete (ON DELETE rules). Needs keepOrder.
   */
  cascades?: boolean;
  /** Columns child FKs reference with a cascading ON UPDATE rule (with `cascades`). */
  cascadeColumns?: readonly string[];
  /** The writing session's foreign_key_checks: restored after statements that needed the other value. */
  sessionFkChecks?: boolean;
}

/**
 * `checks`: the foreign_key_checks the write runs with; `id`: the key's keyString (where writes are
 * merged by key); `row`: the row to write, an image or still packed (a change from the binlog).
 */
type Write =
  | { kind: 'upsert'; key: RowValue[]; id: string; row: RowImage | PackedRow; checks: boolean }
  | { kind: 'delete'; key: RowValue[]; id: string; checks: boolean }
  | { kind: 'rekey'; key: RowValue[]; newKey: RowValue[]; checks: boolean }
  | { kind: 'referenced'; key: RowValue[]; set: Array<[ColumnSchema, RowValue]>; checks: boolean }
  | { kind: 'patch'; key: RowValue[]; set: Array<[ColumnSchema, RowValue]>; checks: boolean };

/**
 * The SQL that applies one table's row changes (in source order) to the target: multi-row upserts
 * and batched deletes by key; a key change is a delete of the old key and an upsert of the new row;
 * TRUNCATE becomes a DELETE of every row so that it commits with the checkpoint.
 *
 * Without FK checks and other unique keys only each key's last write matters: deletes first, then
 * the upserts in the order of their last change. Otherwise writes keep the source's order, grouped
 * into runs of the same kind.
 */
export function rowChangeStatements(table: TargetTable, events: readonly ChangeEvent[], limits: StatementLimits): string[] {
  const statements: string[] = [];
  const session = limits.sessionFkChecks ?? false;
  const checks = { session, current: session };
  // Partial images change only some columns of a row: no write can stand for the key's earlier ones.
  const ordered = limits.keepOrder || events.some((event) => event.partial === true);
  let pending: Write[] = [];
  const flush = (): void => {
    for (const sql of writeStatements(table, ordered ? pending : lastWritePerKey(pending), limits, checks)) statements.push(sql);
    pending = [];
    if (checks.current !== checks.session) statements.push(fkChecksSql(checks.current = checks.session));
  };
  const cascades = limits.cascades === true;
  for (const event of events) {
    if (event.kind === 'truncate') {
      flush();
      // The source truncates a table other tables reference only with foreign_key_checks = 0 (else
      // it refuses): their rows stay, so they must on the target too, whatever the session's setting.
      statements.push(...(session ? [fkChecksSql(false), `DELETE FROM ${table.from}`, fkChecksSql(true)] : [`DELETE FROM ${table.from}`]));
      continue;
    }
    const ran = event.fkChecksOff !== true;
    let before: RowValue[] | undefined;
    let after: RowValue[] | undefined;
    let afterRow: RowImage | PackedRow | undefined;
    let beforeImage: RowImage | undefined;
    let afterImage: RowImage | undefined;
    if (!cascades && event instanceof PackedRowChange) {
      // Full images still packed: their keys and the after image's VALUES tuple are read from the bytes.
      before = event.packedBefore?.key(table);
      afterRow = event.packedAfter;
      after = afterRow?.key(table);
    } else {
      // Read once: a change from the binlog reads its images from packed bytes on each access.
      beforeImage = event.before;
      afterRow = afterImage = event.after;
      if (event.partial === true && beforeImage !== undefined && afterImage !== undefined) {
        // An UPDATE of the logged columns (the key too, when it changed): the others keep their values.
        const set = loggedColumns(table, afterImage);
        if (set.length > 0) pending.push({ kind: 'patch', key: loggedKey(table, beforeImage), set, checks: cascades ? ran : session && ran });
        continue;
      }
      before = beforeImage === undefined ? undefined : event.partial === true ? loggedKey(table, beforeImage) : keyOf(table, beforeImage);
      after = afterImage === undefined ? undefined : keyOf(table, afterImage);
    }
    const beforeId = before === undefined ? '' : keyString(before);
    const afterId = after === undefined ? '' : keyString(after);
    if (before !== undefined && (after === undefined || beforeId !== afterId)) {
      if (after !== undefined && cascades) pending.push({ kind: 'rekey', key: before, newKey: after, checks: ran });
      else pending.push({ kind: 'delete', key: before, id: beforeId, checks: cascades ? ran : session && ran });
    }
    if (after !== undefined && afterRow !== undefined) {
      const set = cascades && ran && afterImage !== undefined ? changedReferenced(table, limits.cascadeColumns ?? [], beforeImage, afterImage) : [];
      if (set.length > 0) pending.push({ kind: 'referenced', key: after, set, checks: true });
      pending.push({ kind: 'upsert', key: after, id: afterId, row: afterRow, checks: session && ran });
    }
  }
  flush();
  return statements;
}

/** Referenced columns the change sets to a new value (in a MINIMAL after image: the ones present). */
function changedReferenced(table: TargetTable, columns: readonly string[], before: RowImage | undefined, after: RowImage): Array<[ColumnSchema, RowValue]> {
  const set: Array<[ColumnSchema, RowValue]> = [];
  const keys = new Set(table.keyColumns.map((c) => c.name.toLowerCase()));
  for (const name of columns) {
    const column = table.writable.get(name.toLowerCase());
    if (column === undefined || keys.has(name.toLowerCase())) continue; // key changes: see rekey
    const value = valueIn(after, name);
    if (value === undefined) continue;
    const old = before === undefined ? undefined : valueIn(before, name);
    if (old === undefined || !sameValue(old, value)) set.push([column, value]);
  }
  return set;
}

/** A column's value in an image (undefined when absent), by exact name, else case-insensitively. */
function valueIn(image: RowImage, name: string): RowValue | undefined {
  if (Object.hasOwn(image, name)) return image[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(image)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function sameValue(a: RowValue, b: RowValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.equals(b);
}

function fkChecksSql(on: boolean): string {
  return `SET SESSION foreign_key_checks = ${on ? 1 : 0}`;
}

/** The key of a partial image: the server logs it in full (a row it cannot find would be changed blindly). */
function loggedKey(table: TargetTable, image: RowImage): RowValue[] {
  return table.keyColumns.map((c) => {
    const value = valueIn(image, c.name);
    if (value === undefined) {
      throw new ScscError('BINLOG_UNREADABLE', `a partial row image of ${table.from} (binlog_row_image MINIMAL or NOBLOB) lacks key column ${c.name}: the row it changes cannot be identified`, {
        fix: "log full row images on the source (binlog_row_image = 'FULL' in every session), then repair the target with scsc reconcile --repair",
      });
    }
    return value;
  });
}

/** The writable columns an after image carries, with their values. */
function loggedColumns(table: TargetTable, image: RowImage): Array<[ColumnSchema, RowValue]> {
  const set: Array<[ColumnSchema, RowValue]> = [];
  for (const name in image) {
    const column = table.writable.get(name.toLowerCase());
    if (column !== undefined) set.push([column, image[name] ?? null]);
  }
  return set;
}

function keyOf(table: TargetTable, image: RowImage): RowValue[] {
  return table.keyColumns.map((c) => valueIn(image, c.name) ?? null);
}


/** Unordered writes are deletes and upserts only (the other kinds come with keepOrder or partial images). */
function lastWritePerKey(writes: readonly Write[]): Write[] {
  const last = new Map<string, Write & { kind: 'delete' | 'upsert' }>();
  for (const write of writes) {
    if (write.kind !== 'delete' && write.kind !== 'upsert') throw new ScscError('INTERNAL', `a ${write.kind} write cannot be merged by key: it needs the source's order`);
    last.delete(write.id); // re-inserted at the end: upserts stay in the order of their last change
    last.set(write.id, write);
  }
  const deletes: Write[] = [];
  const upserts: Write[] = [];
  for (const write of last.values()) (write.kind === 'delete' ? deletes : upserts).push(write);
  for (const write of upserts) deletes.push(write);
  return deletes;
}

/** Consecutive writes of one kind (and, for upserts, one column list) become one statement each. */
function writeStatements(table: TargetTable, writes: readonly Write[], limits: StatementLimits, checks: { current: boolean }): string[] {
  const statements: string[] = [];
  let run: Write[] = [];
  let runShape: object = [];
  const close = (): void => {
    const first = run[0];
    if (first === undefined) return;
    if (first.checks !== checks.current) statements.push(fkChecksSql(checks.current = first.checks));
    // Loops, not push(...): a transaction-mode batch can make more statements than a call takes arguments.
    if (first.kind === 'delete') for (const sql of deletes(table, run.map((w) => w.key), limits)) statements.push(sql);
    else if (first.kind === 'rekey') for (const w of run as Array<Write & { kind: 'rekey' }>) statements.push(rekey(table, w));
    else if (first.kind === 'referenced' || first.kind === 'patch') for (const w of run as Array<Write & { kind: 'referenced' | 'patch' }>) statements.push(setColumns(table, w));
    else for (const sql of upserts(table, (run as Array<Write & { kind: 'upsert' }>).map((w) => w.row), limits)) statements.push(sql);
    run = [];
  };
  for (const write of writes) {
    const first = run[0];
    const sameRun = first !== undefined && first.kind === write.kind && first.checks === write.checks
      && (write.kind !== 'upsert' || sameShape(runShape, write.row));
    if (!sameRun) {
      close();
      if (write.kind === 'upsert') runShape = write.row instanceof PackedRow ? write.row.shape : Object.keys(write.row);
    }
    run.push(write);
  }
  close();
  return statements;
}

/** Whether a row has the run's columns: a packed row the run's shape, an image exactly the run's column names, in this order. */
function sameShape(shape: object, row: RowImage | PackedRow): boolean {
  if (row instanceof PackedRow) return row.shape === shape;
  return Array.isArray(shape) && sameColumns(shape as string[], row);
}

/** Whether an image has exactly these columns, in this order (no array built per image). */
function sameColumns(columns: readonly string[], image: RowImage): boolean {
  let i = 0;
  for (const name in image) if (columns[i++] !== name) return false;
  return i === columns.length;
}

/** A key change of a cascading parent: the target's ON UPDATE rules carry it to the child rows. */
function rekey(table: TargetTable, write: { key: RowValue[]; newKey: RowValue[] }): string {
  const set = table.keyColumns.map((c, i) => `${quoteIdentifier(c.name)} = ${sqlLiteral(c, write.newKey[i] ?? null)}`);
  return `UPDATE ${table.from} SET ${set.join(', ')} WHERE ${keyInSql(table.keyColumns, [write.key])}`;
}

/** A change of columns child FKs reference (the target's ON UPDATE rules carry it to the child rows), or of a partial image's columns. */
function setColumns(table: TargetTable, write: { key: RowValue[]; set: Array<[ColumnSchema, RowValue]> }): string {
  const set = write.set.map(([column, value]) => `${quoteIdentifier(column.name)} = ${sqlLiteral(column, value)}`);
  return `UPDATE ${table.from} SET ${set.join(', ')} WHERE ${keyInSql(table.keyColumns, [write.key])}`;
}

function deletes(table: TargetTable, keys: RowValue[][], limits: StatementLimits): string[] {
  const statements: string[] = [];
  const perStatement = Math.max(1, Math.min(limits.rows, 1000));
  let group: RowValue[][] = [];
  let bytes = 0;
  const close = (): void => {
    if (group.length > 0) statements.push(`DELETE FROM ${table.from} WHERE ${keyInSql(table.keyColumns, group)}`);
    group = [];
    bytes = 0;
  };
  for (const key of keys) {
    // A text key's bytes carry their character set's name in front (`_latin1 X'..'`): 34 covers any.
    const size = 8 + key.reduce((sum, v) => sum + (v === null ? 4 : Buffer.isBuffer(v) ? 2 * v.length + 3 + (textBytesCharset(v) === undefined ? 0 : 34) : 2 * Buffer.byteLength(v) + 2), 0);
    if (group.length > 0 && (group.length >= perStatement || bytes + size > limits.bytes - 200 - table.from.length)) close();
    group.push(key);
    bytes += size;
  }
  close();
  return statements;
}

/** The VALUES tuple of each row, and the target columns it holds: every row of a run has the first one's columns (writeStatements groups them so). */
function tupleWriter(table: TargetTable, first: RowImage | PackedRow | undefined): { columns: readonly ColumnSchema[]; tuple: (row: RowImage | PackedRow) => string } {
  if (first instanceof PackedRow) return { columns: first.tupleColumns(table), tuple: (row) => (row as PackedRow).tuple(table) };
  // Images are read by the first one's own names.
  const keys: string[] = [];
  const columns: ColumnSchema[] = [];
  for (const name of Object.keys(first ?? {})) {
    const column = table.writable.get(name.toLowerCase());
    if (column === undefined) continue;
    keys.push(name);
    columns.push(column);
  }
  const literals = columns.map(literalWriter);
  return {
    columns,
    tuple: (row) => {
      const image = row as RowImage;
      let tuple = '(';
      for (let i = 0; i < columns.length; i++) {
        if (i > 0) tuple += ', ';
        tuple += (literals[i] as (value: RowValue) => string)(image[keys[i] as string] ?? null);
      }
      return tuple + ')';
    },
  };
}

function upserts(table: TargetTable, rows: ReadonlyArray<RowImage | PackedRow>, limits: StatementLimits): string[] {
  const { columns, tuple: tupleOf } = tupleWriter(table, rows[0]);
  const names = columns.map((c) => quoteIdentifier(c.name));
  const head = `INSERT INTO ${table.from} (${names.join(', ')}) VALUES `;
  const tail = upsertClause(names, limits.upsertRowAlias);
  const statements: string[] = [];
  let tuples: string[] = [];
  const fixed = Buffer.byteLength(head) + Buffer.byteLength(tail);
  // The statement's size: tuples before `counted` in exact UTF-8 bytes, the ones after it by a bound
  // (3 bytes per UTF-16 unit); they are counted exactly only when the bound would cross the limit.
  let exact = fixed;
  let counted = 0;
  let bound = 0;
  const close = (): void => {
    statements.push(head + tuples.join(', ') + tail);
    tuples = [];
    exact = fixed;
    counted = 0;
    bound = 0;
  };
  for (const row of rows) {
    const tuple = tupleOf(row);
    if (tuples.length > 0 && tuples.length >= limits.rows) close();
    const size = 3 * tuple.length + 2;
    if (exact + bound + size <= limits.bytes) {
      tuples.push(tuple);
      bound += size;
      continue;
    }
    for (; counted < tuples.length; counted++) exact += Buffer.byteLength(tuples[counted] as string) + 2;
    bound = 0;
    const exactSize = Buffer.byteLength(tuple) + 2;
    if (tuples.length > 0 && exact + exactSize > limits.bytes) close();
    tuples.push(tuple);
    exact += exactSize;
    counted = tuples.length;
  }
  if (tuples.length > 0) statements.push(head + tuples.join(', ') + tail);
  return statements;
}
