/** What a query event of the binlog means to a replicator. */
export type StatementKind = 'begin' | 'commit' | 'rollback' | 'xa' | 'truncate' | 'table-ddl' | 'database-ddl' | 'other';

/** An XA statement: the step and the transaction's xid as the server wrote it (X'..',X'..',n). */
export interface XaStatement {
  step: 'start' | 'end' | 'prepare' | 'commit' | 'rollback';
  xid: string;
  onePhase: boolean;
}

export interface ParsedStatement {
  kind: StatementKind;
  /** Tables the statement names, as [database, table]; the database defaults to the event's schema. */
  tables: Array<[string, string]>;
  /** Set when kind is 'xa'. */
  xa?: XaStatement;
  /** CREATE TABLE ... LIKE: the table whose definition it copies, as [database, table]. */
  like?: [string, string];
  /** CREATE TABLE: whether it replaces a table that exists (OR REPLACE), copies another (LIKE), or a query fills it (CREATE ... SELECT). */
  create?: { replace: boolean; like: boolean; select: boolean };
  /** RENAME TABLE (and ALTER TABLE ... RENAME): each step, from and to, as [database, table]. */
  renames?: Array<[[string, string], [string, string]]>;
  /** kind database-ddl: ALTER or DROP DATABASE (SCHEMA), the database it names (the event's when it names none), and ALTER's options. */
  database?: { name: string; drop: boolean; options: string };
}

/** How the statement's session reads quotes: its sql_mode's ANSI_QUOTES and NO_BACKSLASH_ESCAPES. */
export interface StatementQuoting {
  ansiQuotes?: boolean;
  noBackslashEscapes?: boolean;
}

interface Grammar {
  name: string;
  qualified: string;
  patterns: Array<{ kind: StatementKind; pattern: RegExp; list?: 'comma' | 'rename' }>;
}

/** The statement patterns, with identifiers in backquotes, or with ANSI_QUOTES in double quotes too. */
function grammar(ansiQuotes: boolean): Grammar {
  const NAME = `(?:\`(?:[^\`]|\`\`)+\`${ansiQuotes ? '|"(?:[^"]|"")+"' : ''}|[\\w$\\u0080-\\uffff]+)`;
  const QUALIFIED = `${NAME}(?:\\s*\\.\\s*${NAME})?`;
  return {
    name: NAME,
    qualified: QUALIFIED,
    patterns: [
      { kind: 'truncate', pattern: new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?(${QUALIFIED})`, 'i') },
      { kind: 'table-ddl', pattern: new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${QUALIFIED})`, 'i') },
      { kind: 'table-ddl', pattern: new RegExp(`^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(${QUALIFIED})`, 'i') },
      { kind: 'table-ddl', pattern: new RegExp(`^DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\s+(?:IF\\s+EXISTS\\s+)?((?:${QUALIFIED})(?:\\s*,\\s*${QUALIFIED})*)`, 'i'), list: 'comma' },
      { kind: 'table-ddl', pattern: new RegExp(`^RENAME\\s+TABLES?\\s+((?:${QUALIFIED})\\s+TO\\s+(?:${QUALIFIED})(?:\\s*,\\s*(?:${QUALIFIED})\\s+TO\\s+(?:${QUALIFIED}))*)`, 'i'), list: 'rename' },
      { kind: 'table-ddl', pattern: new RegExp(`^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?|DROP\\s+)(?:ONLINE\\s+|OFFLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?${NAME}\\s+(?:USING\\s+\\w+\\s+)?ON\\s+(${QUALIFIED})`, 'i') },
    ],
  };
}

const GRAMMARS = { backquotes: grammar(false), ansiQuotes: grammar(true) };

/** Classifies a binlog query event's statement and names the tables it touches. */
export function parseStatement(sql: string, defaultDatabase: string, quoting: StatementQuoting = {}): ParsedStatement {
  const text = withoutComments(sql, quoting);
  const { name: NAME, qualified: QUALIFIED, patterns } = quoting.ansiQuotes === true ? GRAMMARS.ansiQuotes : GRAMMARS.backquotes;
  const xa = /^XA\s+(START|BEGIN|END|PREPARE|COMMIT|ROLLBACK)\b\s*(.*?)\s*(\bONE\s+PHASE\s*)?$/is.exec(text);
  if (xa !== null) {
    const verb = (xa[1] as string).toLowerCase();
    const step = verb === 'begin' ? 'start' : verb as XaStatement['step'];
    return { kind: 'xa', tables: [], xa: { step, xid: (xa[2] as string).replace(/\s+(SUSPEND|FOR\s+MIGRATE|JOIN|RESUME)\b.*$/is, ''), onePhase: xa[3] !== undefined } };
  }
  if (/^(BEGIN|START\s+TRANSACTION)\b/i.test(text)) return { kind: 'begin', tables: [] };
  if (/^COMMIT\b/i.test(text)) return { kind: 'commit', tables: [] };
  if (/^ROLLBACK\s+(WORK\s+)?TO\b/i.test(text)) return { kind: 'other', tables: [] }; // a savepoint: the transaction goes on
  if (/^ROLLBACK\b/i.test(text)) return { kind: 'rollback', tables: [] };
  // ALTER DATABASE names its database, or means the session's; UPGRADE DATA DIRECTORY NAME renames a pre-5.1 one (left alone).
  const database = new RegExp(`^(ALTER|DROP)\\s+(?:DATABASE|SCHEMA)\\b\\s*(?:IF\\s+EXISTS\\s+)?(?:(?!(?:DEFAULT|CHARACTER|CHARSET|COLLATE|COMMENT|READ|ENCRYPTION)\\b)(${NAME})\\s*)?`, 'i').exec(text);
  if (database !== null && (database[2] !== undefined || /^ALTER/i.test(text)) && !/^UPGRADE\b/i.test(text.slice(database[0].length))) {
    const [, name] = database[2] === undefined ? [defaultDatabase, defaultDatabase] : qualify(database[2], defaultDatabase, NAME);
    return { kind: 'database-ddl', tables: [], database: { name, drop: /^DROP/i.test(text), options: text.slice(database[0].length) } };
  }
  for (const { kind, pattern, list } of patterns) {
    const match = pattern.exec(text);
    if (match?.[1] === undefined) continue;
    const names = list === 'comma' ? splitNames(match[1], /\s*,\s*/, QUALIFIED) : list === 'rename' ? splitNames(match[1], /\s*,\s*|\s+TO\s+/i, QUALIFIED) : [match[1]];
    // ALTER TABLE a ... RENAME [TO|AS] b: the new name is a table of the statement too.
    const renamed = /^ALTER\b/i.test(text) ? new RegExp(`\\bRENAME\\s+(?!COLUMN\\b|INDEX\\b|KEY\\b)(?:TO\\s+|AS\\s+)?(${QUALIFIED})`, 'i').exec(text.slice(match[0].length)) : null;
    if (renamed?.[1] !== undefined) names.push(renamed[1]);
    const qualified = names.map((name) => qualify(name, defaultDatabase, NAME));
    const renames = list === 'rename' || renamed !== null
      ? qualified.flatMap((name, k): Array<[[string, string], [string, string]]> => (k % 2 === 1 ? [[qualified[k - 1] as [string, string], name]] : []))
      : [];
    const createsTable = /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\b/i.test(text);
    const rest = text.slice(match[0].length);
    const like = createsTable ? new RegExp(`^\\s*\\(?\\s*LIKE\\s+(${QUALIFIED})\\s*\\)?\\s*;?\\s*$`, 'i').exec(rest) : null;
    return {
      kind, tables: qualified,
      ...(like?.[1] === undefined ? {} : { like: qualify(like[1], defaultDatabase, NAME) }),
      ...(createsTable ? { create: { replace: /^CREATE\s+OR\s+REPLACE\b/i.test(text), like: like !== null, select: /\bSELECT\b/i.test(rest) } } : {}),
      ...(renames.length > 0 ? { renames } : {}),
    };
  }
  return { kind: 'other', tables: [] };
}

/**
 * The statement with comments out of the way, as the server reads it: block and line comments
 * dropped, executable ones inside it opened up (mysqldump's `CREATE TABLE /*!32312 IF NOT EXISTS*\/`),
 * quoted text untouched; gh-ost writes `create /* gh-ost *\/ table`. A statement that starts with an
 * executable comment (`/*!40000 ALTER TABLE t DISABLE KEYS *\/`) is left as it is: no pattern names it.
 */
function withoutComments(sql: string, quoting: StatementQuoting): string {
  if (!/\/\*|--|#/.test(sql)) return sql.trim();
  const parts: string[] = [];
  let started = false; // kept text other than whitespace
  let from = 0; // where the text to keep as it is begins
  const keep = (to: number, text = sql.slice(from, to)): void => {
    parts.push(text);
    if (!started && text.trim() !== '') started = true;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      const escapes = quoting.noBackslashEscapes !== true && (c === "'" || (c === '"' && quoting.ansiQuotes !== true));
      while (j < sql.length && sql[j] !== c) j += escapes && sql[j] === '\\' ? 2 : 1;
      // A doubled quote inside continues the text: the loop above stops at its first half and resumes at the second.
      i = j + 1;
    } else if (sql.startsWith('/*', i)) {
      keep(i);
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) return parts.join('').trim();
      const executable = /^M?!\d{0,6}/.exec(sql.slice(i + 2, Math.min(close, i + 10)));
      if (executable !== null && !started) return sql.trimStart();
      keep(close, executable === null ? ' ' : ` ${sql.slice(i + 2 + executable[0].length, close)} `);
      i = from = close + 2;
    } else if ((c === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? '\n')) || c === '#') {
      keep(i);
      const newline = sql.indexOf('\n', i);
      if (newline < 0) return parts.join('').trim();
      parts.push(' ');
      i = from = newline + 1;
    } else {
      i++;
    }
  }
  keep(sql.length);
  return parts.join('').trim();
}

/** Splits a list of (possibly quoted) names on separators outside quotes. */
function splitNames(list: string, separator: RegExp, qualified: string): string[] {
  const names: string[] = [];
  const token = new RegExp(qualified, 'y');
  let rest = list.trim();
  while (rest.length > 0) {
    token.lastIndex = 0;
    const match = token.exec(rest);
    if (match === null) break;
    names.push(match[0]);
    rest = rest.slice(match[0].length).replace(new RegExp(`^(?:${separator.source})`, separator.flags), '');
  }
  return names;
}

function qualify(name: string, defaultDatabase: string, pattern: string): [string, string] {
  const parts = name.match(new RegExp(pattern, 'g')) ?? [name];
  const unquote = (part: string): string => {
    const quote = part[0];
    return quote === '`' || quote === '"' ? part.slice(1, -1).split(quote + quote).join(quote) : part;
  };
  return parts.length >= 2 ? [unquote(parts[0] ?? ''), unquote(parts[1] ?? '')] : [defaultDatabase, unquote(parts[0] ?? '')];
}
