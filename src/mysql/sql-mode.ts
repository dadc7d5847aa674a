import type { Flavour } from './server-info.js';

/**
 * The names of sql_mode's bits, by flavour (the binlog carries a statement's sql_mode as this
 * bitmask). MySQL 8 dropped bits 8-17 and 28 (5.7's POSTGRESQL .. MYSQL40, NO_AUTO_CREATE_USER: a
 * 5.7 source may still set them) and gave bit 32 a meaning of its own; MariaDB added bits 4 and 32-34.
 */
const NAMES: Record<Flavour, ReadonlyArray<string | undefined>> = {
  mariadb: [
    'REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', 'IGNORE_BAD_TABLE_OPTIONS', 'ONLY_FULL_GROUP_BY',
    'NO_UNSIGNED_SUBTRACTION', 'NO_DIR_IN_CREATE', 'POSTGRESQL', 'ORACLE', 'MSSQL', 'DB2', 'MAXDB', 'NO_KEY_OPTIONS',
    'NO_TABLE_OPTIONS', 'NO_FIELD_OPTIONS', 'MYSQL323', 'MYSQL40', 'ANSI', 'NO_AUTO_VALUE_ON_ZERO', 'NO_BACKSLASH_ESCAPES',
    'STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ALLOW_INVALID_DATES',
    'ERROR_FOR_DIVISION_BY_ZERO', 'TRADITIONAL', 'NO_AUTO_CREATE_USER', 'HIGH_NOT_PRECEDENCE', 'NO_ENGINE_SUBSTITUTION',
    'PAD_CHAR_TO_FULL_LENGTH', 'EMPTY_STRING_IS_NULL', 'SIMULTANEOUS_ASSIGNMENT', 'TIME_ROUND_FRACTIONAL',
  ],
  mysql: [
    'REAL_AS_FLOAT', 'PIPES_AS_CONCAT', 'ANSI_QUOTES', 'IGNORE_SPACE', undefined, 'ONLY_FULL_GROUP_BY',
    'NO_UNSIGNED_SUBTRACTION', 'NO_DIR_IN_CREATE', 'POSTGRESQL', 'ORACLE', 'MSSQL', 'DB2', 'MAXDB', 'NO_KEY_OPTIONS',
    'NO_TABLE_OPTIONS', 'NO_FIELD_OPTIONS', 'MYSQL323', 'MYSQL40', 'ANSI', 'NO_AUTO_VALUE_ON_ZERO', 'NO_BACKSLASH_ESCAPES',
    'STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ALLOW_INVALID_DATES',
    'ERROR_FOR_DIVISION_BY_ZERO', 'TRADITIONAL', 'NO_AUTO_CREATE_USER', 'HIGH_NOT_PRECEDENCE', 'NO_ENGINE_SUBSTITUTION',
    'PAD_CHAR_TO_FULL_LENGTH', 'TIME_TRUNCATE_FRACTIONAL',
  ],
};

/** The names every MySQL (5.7, 8) and MariaDB (10.x, 11.x) server takes: bits 0-3, 5-7, 18-27, 29-31. */
const PORTABLE = new Set(NAMES.mysql.filter((name, bit): name is string => name !== undefined && (bit < 8 || (bit >= 18 && bit < 32 && bit !== 28))));

/** Modes that change nothing a table's DDL does: left out between flavours without a word. */
const NOT_FOR_DDL = new Set(['NO_AUTO_CREATE_USER']);

const ANSI_QUOTES = 1n << 2n;
const NO_BACKSLASH_ESCAPES = 1n << 20n;

/** How a statement's sql_mode (a bitmask in decimal, as the binlog records it) reads quotes: the same bits in both flavours. */
export function sqlModeQuoting(mode: string | undefined): { ansiQuotes: boolean; noBackslashEscapes: boolean } {
  const bits = mode === undefined ? 0n : BigInt(mode);
  return { ansiQuotes: (bits & ANSI_QUOTES) !== 0n, noBackslashEscapes: (bits & NO_BACKSLASH_ESCAPES) !== 0n };
}

/**
 * A sql_mode bitmask of one flavour by name: `names` are the modes the other flavour knows (with
 * `portable`, only those every server version takes), `dropped` the others that matter to DDL (or
 * unknown bits, as `bit N`).
 */
export function sqlModeNames(mode: bigint, from: Flavour, to: Flavour, portable = false): { names: string[]; dropped: string[] } {
  const known = portable ? PORTABLE : new Set(NAMES[to].filter((name, bit): name is string => name !== undefined && (to === 'mariadb' || bit < 8 || bit > 17) && (to === 'mariadb' || bit !== 28)));
  const names: string[] = [];
  const dropped: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mode & (1n << BigInt(bit))) === 0n) continue;
    const name = NAMES[from][bit];
    if (name !== undefined && known.has(name)) names.push(name);
    else if (name === undefined || !NOT_FOR_DDL.has(name)) dropped.push(name ?? `bit ${bit}`);
  }
  return { names, dropped };
}
