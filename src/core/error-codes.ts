/**
 * Every error scsc reports carries one of these codes. Each entry says what causes it, how the user
 * fixes it, and which exit status the CLI returns (2 = usage/configuration, 3 = cannot reach or log in
 * to a server, 4 = runtime failure, 5 = command not built yet). Exit 1 is reserved for "differences
 * remain / blocking findings", which are results, not errors.
 */
export const ERROR_CODES = {
  USAGE: {
    exit: 2,
    cause: 'An unknown option, a missing argument or a bad option value on the command line.',
    fix: 'Run the command with --help and correct the invocation.',
  },
  CONFIG_INVALID: {
    exit: 2,
    cause: 'A configuration value (flag, environment variable or config file) failed validation.',
    fix: 'Correct the field named in the message; `scsc <command> --help` lists the accepted values.',
  },
  CONFIG_FILE_UNREADABLE: {
    exit: 2,
    cause: 'The --config file (or the .env file) does not exist, cannot be read, or is not valid YAML.',
    fix: 'Check the path and the YAML syntax; the message gives the line when the parser knows it.',
  },
  URL_INVALID: {
    exit: 2,
    cause: 'A database URL is malformed or uses an unsupported scheme or TLS option.',
    fix: 'Use mysql://user:password@host:port/database (mysql+pymysql:// is accepted too); URL-encode special characters in the password.',
  },
  URL_MISSING: {
    exit: 2,
    cause: 'The command needs a database URL that was given neither as a flag, nor in the environment, nor in the config file.',
    fix: 'Pass --source/--target, set SCSC_SOURCE_URL/SCSC_TARGET_URL (or DEV_DB_URL/PROD_DB_URL), or add it to the config file.',
  },
  DETECTOR_UNAVAILABLE: {
    exit: 2,
    cause: '--detector binlog was asked for but the source binlog cannot be read (off, or the account may not see the position).',
    fix: 'Enable log_bin on the source and grant BINLOG MONITOR / REPLICATION CLIENT, or use --detector auto or content.',
  },
  STATE_FILE_UNUSABLE: {
    exit: 2,
    cause: 'The --state file (change signatures) is corrupt, of an unknown version, or cannot be written.',
    fix: 'Delete the file (it only holds signatures; the next run syncs in full) or point --state at a writable path.',
  },
  CONNECTION_REFUSED: {
    exit: 3,
    cause: 'Nothing accepted the TCP connection at the host and port of the URL, or the host name does not resolve.',
    fix: 'Check host and port, that the server runs, and that no firewall blocks the port.',
  },
  CONNECTION_TIMEOUT: {
    exit: 3,
    cause: 'The server did not answer within the connect timeout.',
    fix: 'Check that the host is reachable from here (firewalls drop packets silently); for slow links raise the timeout with ?connect-timeout=30s in the URL.',
  },
  AUTH_FAILED: {
    exit: 3,
    cause: 'The server rejected the user name or password.',
    fix: "Check user and password in the URL (percent-encode special characters) and that the account may connect from this host ('user'@'host').",
  },
  DATABASE_ACCESS_DENIED: {
    exit: 3,
    cause: 'The login worked but the account has no privilege on the database named in the URL.',
    fix: 'Grant the account the privileges scsc check lists for your command on that database, or correct the database in the URL.',
  },
  DATABASE_NOT_FOUND: {
    exit: 3,
    cause: 'The database named in the URL path does not exist on the server (or the user may not see it).',
    fix: 'Create the database or correct the path of the URL.',
  },
  TLS_FAILED: {
    exit: 3,
    cause: 'The TLS handshake failed or the server certificate could not be verified.',
    fix: 'Check ssl-mode and ssl-ca in the URL; use ssl-mode=REQUIRED to encrypt without verifying the certificate.',
  },
  SQL_FAILED: {
    exit: 4,
    cause: 'A statement failed on the server for a reason that is not a connection or login problem.',
    fix: 'Read the server message in the error; it usually names a missing privilege, table or column.',
  },
  BINLOG_UNREADABLE: {
    exit: 4,
    cause: 'The source binlog cannot be streamed: the binlog is off, not in ROW format, or the account lacks REPLICATION SLAVE / REPLICATION CLIENT.',
    fix: 'Run `scsc check --for replicate --source URL`: it names the server setting or grant to change.',
  },
  CHECKPOINT_PURGED: {
    exit: 4,
    cause: 'The position scsc must resume from can no longer be read from the source binlog: its file was purged (changes in between are lost to the binlog), or the file ends before it or holds no event there (the source lost the end of its binlog in a crash, or its binlog was reset or replaced); the message says which.',
    fix: 'Re-run with --resnapshot-on-purge (the target is re-compared and repaired by the hash-diff engine, then streaming resumes), and keep binlogs longer (binlog_expire_logs_seconds).',
  },
  SOURCE_CHANGED: {
    exit: 4,
    cause: 'The server --source reaches is not the one this stream was read from (it has another server_id, or server_uuid on MySQL): after a failover behind the same address, binlog file names and offsets name other changes, so reading on from the restart point would skip or repeat changes.',
    fix: 'Re-run with --resnapshot-on-source-change (the target is re-compared with the new source and repaired by the hash-diff engine, then streaming goes on from the new source), or point --source back at the original server. If it is the same server and only its server_id was changed: UPDATE _scsc_checkpoint SET source_server = NULL WHERE stream = \'<source host:port/database>\' AND lane = \'*\' (the next start records the new id).',
  },
  TARGET_TRIGGERS: {
    exit: 4,
    cause: 'Tables scsc would replicate have triggers on the target: they would run for every row scsc writes (a native replica does not run them for replicated rows), changing values and writing rows the source does not have, so the target would drift from the source.',
    fix: 'Drop those triggers on the target (what the source\'s triggers did arrives as row changes anyway), exclude the tables, or pass --fire-triggers if they are meant to run for every row scsc writes.',
  },
  DDL_STOPPED: {
    exit: 4,
    cause: 'A CREATE / ALTER / DROP / RENAME of a replicated table (or an ALTER / DROP DATABASE of the replicated database) arrived in the stream while --ddl stop was set; scsc stopped before it, with every earlier change applied.',
    fix: 'Apply the same change to the target by hand, in a session set up as the message says (the source session\'s sql_mode, collation, time zone, start time), and restart; or restart with --ddl apply.',
  },
  STREAM_BUSY: {
    exit: 4,
    cause: 'Another scsc replicate is already applying the same stream (source database) to this target database: two would re-apply each other\'s changes and take turns on the source binlog.',
    fix: 'Stop the other process first (the message names its connection on the target), or replicate into another target database.',
  },
  TRANSACTION_TOO_LARGE: {
    exit: 4,
    cause: 'A source transaction is held in memory until its commit arrives (every transaction with --consistency transaction; prepared XA transactions in any mode, until their XA COMMIT); this one holds more row changes than --max-transaction-mib allows (left alone it would exhaust memory, and again after every restart).',
    fix: 'Raise --max-transaction-mib if the machine has the memory (changes held in memory take several times their row bytes); for an ordinary transaction, --consistency table streams transactions of any size.',
  },
  COLUMN_UNREADABLE: {
    exit: 4,
    cause: 'DDL in the stream gave a replicated table a column named __proto__, whose values the binlog decoder cannot read (its rows are plain JavaScript objects); scsc stopped right after applying that DDL, with every earlier change applied.',
    fix: 'Restart: the table is then left out of replication with a warning while the other tables go on. To replicate it, rename the column on both servers, restart, and bring the table up to date with scsc sync.',
  },
  APPLY_FAILED: {
    exit: 4,
    cause: 'The target refused a batch for a reason that retrying does not cure (a missing column or table, a type or constraint the row does not fit, a missing privilege).',
    fix: 'Read the server message; fix the target table (or its grants) so it matches the source, then restart: the batch is retried from its checkpoint.',
  },
  SANDBOX_BINARY_MISSING: {
    exit: 4,
    cause: 'A throwaway MariaDB server was requested but mariadbd / mariadb-install-db are not installed.',
    fix: 'Install Debian\'s server package: sudo apt-get install -y mariadb-server',
  },
  SANDBOX_START_FAILED: {
    exit: 4,
    cause: 'A throwaway MariaDB server or Kafka broker did not come up.',
    fix: 'Read the server log path given in the message; free disk space and ports are the usual culprits.',
  },
  KAFKA_JARS_MISSING: {
    exit: 4,
    cause: 'The Kafka broker jars could not be fetched with Maven (mvn missing or Maven Central unreachable).',
    fix: 'Install Maven and Java 17 (sudo apt-get install -y maven openjdk-17-jre-headless) and retry; the jars are cached afterwards.',
  },
  NOT_IMPLEMENTED: {
    exit: 5,
    cause: 'The command is part of scsc\'s command line but has not been built yet.',
    fix: 'Use a released command (scsc --help marks the ones not built yet) or follow the project for the release that adds it.',
  },
  INTERNAL: {
    exit: 4,
    cause: 'An unexpected failure inside scsc (a bug).',
    fix: 'Re-run with --log-level debug and report the stack trace it prints.',
  },
} as const satisfies Record<string, { exit: number; cause: string; fix: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
