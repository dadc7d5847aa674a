import { fkParentsAmong, type TableSchema } from '../core/table-schema.js';

/**
 * The tables ordered so that each comes after every table that references it by FK (among
 * `tables`): the order in which extra rows can be deleted with FK checks on. Tables in an FK
 * cycle keep their given order (the cycle cannot be ordered; the server decides).
 */
export function childrenFirst(tables: readonly TableSchema[]): TableSchema[] {
  const names = new Set(tables.map((t) => t.name));
  const referencedBy = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const child of tables) for (const parent of fkParentsAmong(child, names)) referencedBy.get(parent)?.add(child.name);
  const ordered: TableSchema[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.name) && [...(referencedBy.get(t.name) ?? [])].every((c) => placed.has(c)));
    const next = ready.length > 0 ? ready : tables.filter((t) => !placed.has(t.name)).slice(0, 1);
    for (const table of next) {
      ordered.push(table);
      placed.add(table.name);
    }
  }
  return ordered;
}

/** Whether another table among `tables` references `table` by FK. */
export function isReferenced(table: TableSchema, tables: readonly TableSchema[]): boolean {
  const names = new Set([table.name]);
  return tables.some((child) => fkParentsAmong(child, names).has(table.name));
}
