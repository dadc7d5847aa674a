import { createHash } from 'node:crypto';
import type { TableSchema } from '../core/table-schema.js';

/** Actions by which the server changes child rows itself; the binlog does not carry those changes. */
const CASCADING_ACTIONS = new Set(['CASCADE', 'SET NULL', 'SET DEFAULT']);
const LANE_NAME_LIMIT = 191;

/**
 * How foreign-key actions shape the apply: rows a parent's DELETE or key change cascades to are
 * not in the binlog, so the target must cascade them itself, with the same child rows in place.
 */
export interface FkCascadePlan {
  /** Tables whose deletes and key changes the target must run with FK checks on. */
  cascadingParents: ReadonlySet<string>;
  /**
   * Columns of `table` that a child FK references with a cascading ON UPDATE rule: a change of one
   * must run as an UPDATE with FK checks on, so the target carries it to the child rows.
   */
  cascadingColumns(table: string): readonly string[];
  /** The lane shared by the tables one cascade can reach (undefined: the table's own lane). */
  laneOf(table: string): string | undefined;
}

/**
 * Groups the tables of one database that a cascade can touch: a table referenced by a cascading
 * FK, every child referencing it (whatever the child's rule: a RESTRICT child must be in step too),
 * and, through cascading deletes, their children in turn. Each group gets one lane so the order of
 * the source holds between a parent and its children.
 */
export function fkCascadePlan(tables: readonly TableSchema[]): FkCascadePlan {
  const inDatabase = new Set(tables.map((t) => t.name));
  const edges = tables.flatMap((child) => child.foreignKeys
    .filter((fk) => fk.referencedDatabase === child.database && inDatabase.has(fk.referencedTable))
    .map((fk) => ({ child: child.name, parent: fk.referencedTable, cascades: CASCADING_ACTIONS.has(fk.onDelete) || CASCADING_ACTIONS.has(fk.onUpdate), deletes: fk.onDelete === 'CASCADE' })));

  const parents = new Set(edges.filter((e) => e.cascades).map((e) => e.parent));
  const updateReferenced = new Map<string, Set<string>>();
  for (const child of tables) {
    for (const fk of child.foreignKeys) {
      if (fk.referencedDatabase !== child.database || !inDatabase.has(fk.referencedTable) || !CASCADING_ACTIONS.has(fk.onUpdate)) continue;
      const columns = updateReferenced.get(fk.referencedTable) ?? new Set<string>();
      for (const column of fk.referencedColumns) columns.add(column);
      updateReferenced.set(fk.referencedTable, columns);
    }
  }
  const reached = new Set(parents);
  const group = new Map<string, string>();
  const root = (name: string): string => {
    let at = name;
    while (group.has(at) && group.get(at) !== at) at = group.get(at) as string;
    return at;
  };
  const join = (a: string, b: string): void => {
    for (const name of [a, b]) if (!group.has(name)) group.set(name, name);
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) group.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (let grown = true; grown;) {
    grown = false;
    for (const edge of edges) {
      if (!reached.has(edge.parent)) continue;
      join(edge.child, edge.parent);
      if (edge.deletes && !reached.has(edge.child)) {
        reached.add(edge.child);
        grown = true;
      }
    }
  }

  const members = new Map<string, string[]>();
  for (const name of group.keys()) {
    const r = root(name);
    members.set(r, [...(members.get(r) ?? []), name]);
  }
  const referencedColumns = new Map([...updateReferenced].map(([table, columns]) => [table, [...columns]]));
  const lanes = new Map<string, string>();
  for (const names of members.values()) {
    const sorted = [...names].sort();
    if (sorted.length < 2) continue;
    const lane = fkLaneName(sorted);
    for (const name of sorted) lanes.set(name, lane);
  }
  return {
    cascadingParents: parents,
    cascadingColumns: (table) => referencedColumns.get(table) ?? [],
    laneOf: (table) => lanes.get(table),
  };
}

function fkLaneName(tables: readonly string[]): string {
  const name = `fk:${JSON.stringify(tables)}`;
  if (name.length <= LANE_NAME_LIMIT) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 16);
  return `fk#${tables[0]?.slice(0, 120) ?? ''}#${tables.length}#${hash}`;
}

/**
 * Whether a lane of some run (this one or an earlier one, whose grouping may have differed) held
 * the changes of `table`: its own lane, the single lane of transaction mode, or an FK group naming it.
 * Hashed group names (very long table lists) cannot be read back and count only as the current lane.
 */
export function laneHeldTable(lane: string, table: string): boolean {
  if (lane === table || lane === 'all') return true;
  if (!lane.startsWith('fk:')) return false;
  try {
    const tables = JSON.parse(lane.slice(3)) as unknown;
    return Array.isArray(tables) && tables.includes(table);
  } catch {
    return false;
  }
}
