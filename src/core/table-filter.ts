/** Table selection by --include / --exclude: exact names or globs with * and ?. */
export interface TableFilter {
  matches(table: string): boolean;
  /** Include entries without wildcards that name none of the given tables (likely typos). */
  unknownIncludes(tables: readonly string[]): string[];
}

const isGlob = (pattern: string): boolean => /[*?]/.test(pattern);

function globToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

/** scsc's own bookkeeping tables (checkpoints and the like): never synced, hashed or checked. */
export function isScscTable(table: string): boolean {
  return table.startsWith('_scsc_');
}

export function tableFilter(include: readonly string[], exclude: readonly string[]): TableFilter {
  const includes = include.map(globToRegExp);
  const excludes = exclude.map(globToRegExp);
  return {
    matches(table) {
      if (isScscTable(table)) return false;
      return (includes.length === 0 || includes.some((r) => r.test(table))) && !excludes.some((r) => r.test(table));
    },
    unknownIncludes(tables) {
      const known = new Set(tables);
      return include.filter((name) => !isGlob(name) && !known.has(name));
    },
  };
}
