import { rowIdentityKey, type TableSchema } from '../core/table-schema.js';
import { comparedColumns } from './canonical-row-sql.js';

export interface PairedTable {
  name: string;
  source: TableSchema;
  target: TableSchema;
  /** Stored columns of the source, all present on the target, in source order. */
  columns: string[];
  key: { kind: 'primary' | 'unique'; columns: string[] };
  /** The target has unique keys besides the row key: changed rows are deleted and re-inserted. */
  otherUniqueKeys: boolean;
}

export type Pairing = { ok: true; table: PairedTable } | { ok: false; reason: string };

/**
 * Decides whether a table can be compared and written exactly, and how: a key both sides enforce,
 * every source column present on the target, text key columns with the same collation on both
 * sides (else key ranges would split differently and rows could be deleted wrongly).
 */
export function pairTables(source: TableSchema, target: TableSchema): Pairing {
  const key = rowIdentityKey(source);
  if (key === undefined) {
    return { ok: false, reason: 'no primary key and no NOT NULL unique key: rows cannot be addressed one by one (add a primary key or exclude the table)' };
  }
  const targetColumns = new Map(target.columns.map((c) => [c.name.toLowerCase(), c]));
  const columns = comparedColumns(source).map((c) => c.name);
  const missing = columns.filter((name) => !targetColumns.has(name.toLowerCase()));
  if (missing.length > 0) return { ok: false, reason: `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing on the target (add them, then re-run)` };
  const generatedOnTarget = columns.filter((name) => targetColumns.get(name.toLowerCase())?.generated !== undefined);
  if (generatedOnTarget.length > 0) return { ok: false, reason: `column${generatedOnTarget.length > 1 ? 's' : ''} ${generatedOnTarget.join(', ')} generated on the target but stored on the source` };

  const sameColumns = (a: string[], b: string[]): boolean => a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]?.toLowerCase());
  const targetKeys = [target.primaryKey, ...target.uniqueKeys.map((u) => u.columns)].filter((k) => k.length > 0);
  if (!targetKeys.some((k) => sameColumns(k, key.columns))) {
    return { ok: false, reason: `the target has no primary or unique key on (${key.columns.join(', ')}) as the source has: writes could duplicate rows` };
  }
  const sourceByName = new Map(source.columns.map((c) => [c.name.toLowerCase(), c]));
  for (const name of key.columns) {
    const s = sourceByName.get(name.toLowerCase());
    const t = targetColumns.get(name.toLowerCase());
    if (s?.collation !== undefined && t?.collation !== s.collation) {
      return { ok: false, reason: `key column ${name} has collation ${s.collation} on the source but ${t?.collation ?? 'none'} on the target: key ranges would not match` };
    }
  }
  const otherUniqueKeys = targetKeys.filter((k) => !sameColumns(k, key.columns)).length > 0;
  return { ok: true, table: { name: source.name, source, target, columns, key: { kind: key.kind, columns: key.columns }, otherUniqueKeys } };
}
