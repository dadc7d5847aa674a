import type { Flavour } from './server-info.js';

/**
 * The names of sql_mode's bits, by flavour (the binlog carries a statement's sql_mode as this
 * bitmask). MySQL 8 dropped the bits MariaDB still names (POSTGRESQL .. NO_FIELD_OPTIONS, MYSQL323,
 * MYSQL40, NO_AUTO_CREATE_USER) and gave bit 32 its own meaning.
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
    'NO_UNSIGNED_SUBTRACTION', 'NO_DIR_IN_CREATE', undefined, undefined, undefined, undefined, undefined, undefined,
    undefined, undefined, undefined, undefined, 'ANSI', 'NO_AUTO_VALUE_ON_ZERO', 'NO_BACKSLASH_ESCAPES',
    'STRICT_TRANS_TABLES', 'STRICT_ALL_TABLES', 'NO_ZERO_IN_DATE', 'NO_ZERO_DATE', 'ALLOW_INVALID_DATES',
    'ERROR_FOR_DIVISION_BY_ZERO', 'TRADITIONAL', undefined, 'HIGH_NOT_PRECEDENCE', 'NO_ENGINE_SUBSTITUTION',
    'PAD_CHAR_TO_FULL_LENGTH', 'TIME_TRUNCATE_FRACTIONAL',
  ],
};

export const SQL_MODE_ANSI_QUOTES = 1n << 2n;
export const SQL_MODE_NO_BACKSLASH_ESCAPES = 1n << 20n;

/**
 * A sql_mode bitmask of one flavour as the other flavour's SET sql_mode names it: `names` are the
 * modes both know, `dropped` those the other flavour has not (or unknown bits, as `bit N`).
 */
export function sqlModeNames(mode: bigint, from: Flavour, to: Flavour): { names: string[]; dropped: string[] } {
  const known = new Set(NAMES[to].filter((name): name is string => name !== undefined));
  const names: string[] = [];
  const dropped: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mode & (1n << BigInt(bit))) === 0n) continue;
    const name = NAMES[from][bit];
    if (name !== undefined && known.has(name)) names.push(name);
    else dropped.push(name ?? `bit ${bit}`);
  }
  return { names, dropped };
}
