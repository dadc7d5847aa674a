import type { ColumnSchema, TableSchema } from './table-schema.js';

export type ColumnDifferenceKind =
  | 'missing-on-target' | 'extra-on-target' | 'type' | 'nullability' | 'generated' | 'charset' | 'primary-key';

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

export function diffColumns(source: TableSchema, target: TableSchema): ColumnDifference[] {
  const differences: ColumnDifference[] = [];
  const targetColumns = new Map(target.columns.map((c) => [c.name, c]));
  for (const column of source.columns) {
    const other = targetColumns.get(column.name);
    if (other === undefined) {
      differences.push({ column: column.name, kind: 'missing-on-target', source: column.columnType });
      continue;
    }
    differences.push(...compareColumn(column, other));
  }
  const sourceNames = new Set(source.columns.map((c) => c.name));
  for (const column of target.columns) {
    if (!sourceNames.has(column.name)) differences.push({ column: column.name, kind: 'extra-on-target', target: column.columnType });
  }
  if (source.primaryKey.join('\u0000') !== target.primaryKey.join('\u0000')) {
    differences.push({ column: '', kind: 'primary-key', source: source.primaryKey.join(','), target: target.primaryKey.join(',') });
  }
  return differences;
}

function compareColumn(a: ColumnSchema, b: ColumnSchema): ColumnDifference[] {
  const out: ColumnDifference[] = [];
  if (normaliseType(a) !== normaliseType(b)) out.push({ column: a.name, kind: 'type', source: a.columnType, target: b.columnType });
  if (a.nullable !== b.nullable) {
    out.push({ column: a.name, kind: 'nullability', source: a.nullable ? 'NULL' : 'NOT NULL', target: b.nullable ? 'NULL' : 'NOT NULL' });
  }
  if (a.generated !== b.generated) out.push({ column: a.name, kind: 'generated', source: a.generated ?? 'no', target: b.generated ?? 'no' });
  if ((a.charset ?? '') !== (b.charset ?? '')) out.push({ column: a.name, kind: 'charset', source: a.charset ?? '-', target: b.charset ?? '-' });
  return out;
}

/**
 * Display widths of integers (`int(11)` vs `int`) differ between MariaDB and MySQL 8 without any
 * difference in the values they hold; JSON is LONGTEXT on MariaDB and JSON on MySQL.
 */
function normaliseType(column: ColumnSchema): string {
  if (column.json) return 'json';
  return column.columnType.toLowerCase().replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1');
}
