import type { ColumnSchema, TableSchema } from './table-schema.js';

export type ColumnDifferenceKind =
  | 'missing-on-target' | 'extra-on-target' | 'type' | 'nullability' | 'generated' | 'charset' | 'collation' | 'primary-key';

export interface ColumnDifference {
  column: string;
  kind: ColumnDifferenceKind;
  source?: string;
  target?: string;
}

export interface TablePair {
  name: string;
  source: TableSchema;
  target: TableSchema;
  differences: ColumnDifference[];
}

export interface SchemaDiff {
  common: TablePair[];
  onlyOnSource: TableSchema[];
  onlyOnTarget: TableSchema[];
}

/** Pairs the tables of two databases by name and lists, per common table, how their columns differ. */
export function diffSchemas(source: TableSchema[], target: TableSchema[]): SchemaDiff {
  const targetByName = new Map(target.map((t) => [t.name, t]));
  const sourceNames = new Set(source.map((t) => t.name));
  const common: TablePair[] = [];
  const onlyOnSource: TableSchema[] = [];
  for (const table of source) {
    const other = targetByName.get(table.name);
    if (other === undefined) onlyOnSource.push(table);
    else common.push({ name: table.name, source: table, target: other, differences: diffColumns(table, other) });
  }
  return { common, onlyOnSource, onlyOnTarget: target.filter((t) => !sourceNames.has(t.name)) };
}

/**
 * Column differences of one table pair. Column names match case-insensitively, as MySQL and MariaDB
 * compare them; a difference names the column as the source spells it (the target's for extras).
 */
export function diffColumns(source: TableSchema, target: TableSchema): ColumnDifference[] {
  const differences: ColumnDifference[] = [];
  const targetColumns = new Map(target.columns.map((c) => [c.name.toLowerCase(), c]));
  for (const column of source.columns) {
    const other = targetColumns.get(column.name.toLowerCase());
    if (other === undefined) {
      differences.push({ column: column.name, kind: 'missing-on-target', source: declaredType(column) });
      continue;
    }
    differences.push(...compareColumn(column, other));
  }
  const sourceNames = new Set(source.columns.map((c) => c.name.toLowerCase()));
  for (const column of target.columns) {
    if (!sourceNames.has(column.name.toLowerCase())) differences.push({ column: column.name, kind: 'extra-on-target', target: declaredType(column) });
  }
  const keyOf = (table: TableSchema): string => table.primaryKey.map((c) => c.toLowerCase()).join('\u0000');
  if (keyOf(source) !== keyOf(target)) {
    differences.push({ column: '', kind: 'primary-key', source: source.primaryKey.join(','), target: target.primaryKey.join(',') });
  }
  return differences;
}

function compareColumn(a: ColumnSchema, b: ColumnSchema): ColumnDifference[] {
  const out: ColumnDifference[] = [];
  if (normaliseType(a) !== normaliseType(b)) out.push({ column: a.name, kind: 'type', source: declaredType(a), target: declaredType(b) });
  if (a.nullable !== b.nullable) {
    out.push({ column: a.name, kind: 'nullability', source: a.nullable ? 'NULL' : 'NOT NULL', target: b.nullable ? 'NULL' : 'NOT NULL' });
  }
  if (a.generated !== b.generated) out.push({ column: a.name, kind: 'generated', source: a.generated ?? 'no', target: b.generated ?? 'no' });
  // JSON has no charset on MySQL and is utf8mb4 LONGTEXT on MariaDB: the same JSON either way.
  if (!(a.json && b.json) && normaliseCharset(a.charset) !== normaliseCharset(b.charset)) {
    out.push({ column: a.name, kind: 'charset', source: a.charset ?? '-', target: b.charset ?? '-' });
  } else if (!(a.json && b.json) && normaliseCollation(a.collation) !== normaliseCollation(b.collation)) {
    out.push({ column: a.name, kind: 'collation', source: a.collation ?? '-', target: b.collation ?? '-' });
  }
  return out;
}

/**
 * Display widths of integers (`int(11)` vs `int`) and YEAR (`year(4)` vs `year`) differ between
 * MariaDB and MySQL 8 without any difference in the values they hold; JSON is LONGTEXT on MariaDB
 * and JSON on MySQL.
 */
function normaliseType(column: ColumnSchema): string {
  if (column.json) return 'json';
  return column.columnType.toLowerCase()
    .replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, '$1')
    .replace(/^year\(4\)$/, 'year');
}

/** The type to show and to declare: `json` for MariaDB's JSON too, whose column type reads `longtext`. */
function declaredType(column: ColumnSchema): string {
  return column.json ? 'json' : column.columnType;
}

/** `utf8` is the old name of `utf8mb3` (MySQL 8.0.30+ and MariaDB 10.6+ report the new one). */
function normaliseCharset(charset: string | undefined): string {
  const lower = (charset ?? '').toLowerCase();
  return lower === 'utf8' ? 'utf8mb3' : lower;
}

/** Collations compare and order text, so keys and unique checks depend on them; utf8 = utf8mb3. */
function normaliseCollation(collation: string | undefined): string {
  return (collation ?? '').toLowerCase().replace(/^utf8_/, 'utf8mb3_');
}
