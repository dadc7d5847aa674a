/** Backtick-quotes an identifier for MySQL/MariaDB: reserved words, backticks, dashes, spaces all safe. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function qualifiedTable(database: string, table: string): string {
  return `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
}
