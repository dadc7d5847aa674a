import ZongJi, { type AnyBinlogEvent } from '@vlasky/zongji';
import { setTimeout as delay } from 'node:timers/promises';
import { Observable, type Subscriber } from 'rxjs';
import { toMysqlConnectionOptions } from '../config/mysql-connection-options.js';
import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import type { DefinitionVersion } from '../checkpoint/definition-history.js';
import type { ChangeEvent } from '../core/change-event.js';
import { describePosition, positionAfter, positionKey, type Boundary, type Position } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';
import type { Logger } from '../observability/logger.js';
import { BinlogTransaction } from './binlog-transaction.js';
import { tableAsLogged } from './binlog-row-decoder.js';
import { adoptRowsEvent, prepareRowReader, readByScsc, type RowReaderTableEntry } from './binlog-row-reader.js';
import { NOT_REACHED, type DdlOnTarget } from './ddl-on-target.js';
import type { SourceSchemaCache } from './source-schema-cache.js';
import { sourceChangedError } from './source-changed.js';
import { statementsAsSent } from './query-event-bytes.js';

export interface BinlogSourceOptions {
  url: DatabaseUrl;
  /** The replica id scsc's binlog client announces; must differ from every server's server_id. */
  serverId: number;
  /** Chooses the id again before a reconnect (a replica registered meanwhile may hold the old one); after 2 s without an answer the current id stays. */
  chooseServerId?: () => Promise<number>;
  /** Only this database's tables are decoded. */
  database: string;
  /** Which of its tables are replicated (include/exclude). */
  selects: (table: string) => boolean;
  schemas: SourceSchemaCache;
  logger: Logger;
  /** Row changes (estimated bytes) that prepared, undecided XA transactions may hold in memory; past it reading fails with TRANSACTION_TOO_LARGE. */
  maxHeldXaBytes?: number;
  /**
   * The source server the stream's positions belong to (serverIdentity()) and the query that asks a
   * server for its own: every binlog connection asks before reading, and stops with SOURCE_CHANGED
   * when another server answers (a failover behind the same host name).
   */
  sourceServer?: { identity: string; sql: string };
  /** Reconnect backoff after a dropped connection: first wait, then doubled up to the max. */
  reconnectMs?: { first: number; max: number };
  /** The source's character set of each collation id (readCollationCharsets): rows are read in the one they were logged in. */
  collations?: ReadonlyMap<number, string>;
  /** Keeps the definitions read after a DDL (DefinitionHistory), so a restart that reads rows before it decodes them with the right ones. */
  recordDefinitions?: (versions: readonly DefinitionVersion[]) => Promise<void>;
  /** With --ddl apply onto a target of the source's flavour: the target's definitions around each DDL, as the applier ran it. */
  ddlOnTarget?: DdlOnTarget;
}

/** Tries at reading and recording definitions after a DDL (backoff as for reconnects) before the stream fails. */
const DEFINITION_READ_ATTEMPTS = 6;
/** Seconds the server waits for a paused reader before dropping it (net_write_timeout). */
const PAUSED_READER_TIMEOUT_S = 3600;
/** How long a reconnect waits for the client id to be chosen again before it keeps the current one. */
const CHOOSE_ID_TIMEOUT_MS = 2_000;
/** The server sends a heartbeat after this long without events; silence for 3x means the link is dead. */
const HEARTBEAT_S = 5;

const ROW_EVENTS: Record<string, 'insert' | 'update' | 'delete' | undefined> = { writerows: 'insert', updaterows: 'update', deleterows: 'delete' };

const FATAL_ERRNO: Record<number, 'CHECKPOINT_PURGED' | 'BINLOG_UNREADABLE'> = {
  1236: 'CHECKPOINT_PURGED', // ER_MASTER_FATAL_ERROR_READING_BINLOG: purged file, or a position past the end
  1227: 'BINLOG_UNREADABLE', // ER_SPECIFIC_ACCESS_DENIED_ERROR: no REPLICATION SLAVE
  1045: 'BINLOG_UNREADABLE',
  1381: 'BINLOG_UNREADABLE', // ER_NO_BINARY_LOGGING
};

/**
 * The source's binlog as an Observable of ChangeEvents (zongji underneath), starting at a
 * transaction boundary. A dropped connection is re-opened with backoff at the last boundary read;
 * the changes of a transaction cut in half are not emitted twice. pause()/resume() hold the socket
 * (backpressure): the server keeps the rest of the binlog until scsc reads it.
 */
export class BinlogSource {
  private zongji: ZongJi | undefined;
  private paused = false;
  /** Reads of the source's table definitions after DDL in the stream, in flight: the stream is held meanwhile. */
  private schemaReads = 0;
  private schemaRead: Promise<void> = Promise.resolve();
  /** Each DDL's read (chained after the ones before), by positionKey of the DDL's end, until it succeeded. */
  private readonly readsByEnd = new Map<string, Promise<void>>();
  /** Table ids whose columns zongji took from scsc's definitions (the binlog does not name them). */
  private readonly answeredIds = new Set<number>();
  /** Selected tables whose rows were decoded with scsc's definitions since they were last read. */
  private readonly decodedByDefinition = new Set<string>();
  /** zongji's own column lookups in flight (it pauses the socket for them and resumes it itself). */
  private asking = 0;
  private serverId: number;
  private readonly slowTables = new Set<string>();

  constructor(private readonly options: BinlogSourceOptions) {
    this.serverId = options.serverId;
  }

  changes(from: Boundary): Observable<ChangeEvent> {
    return new Observable<ChangeEvent>((subscriber) => {
      let stopped = false;
      const ended = new AbortController();
      let boundary: Boundary = from;
      let lastEmitted: Position | undefined;
      let attempt = 0;
      let watchdog: NodeJS.Timeout | undefined;
      let retry: NodeJS.Timeout | undefined;
      let choice: Promise<number> | undefined;
      const backoff = this.options.reconnectMs ?? { first: 500, max: 15_000 };

      const connect = (): void => {
        if (this.schemaReads > 0) {
          // Rows after a DDL are read with the definitions it left: a reconnect during that read waits for it.
          void this.schemaRead.then(() => {
            if (!stopped) connect();
          }, () => undefined); // a failed read failed the stream itself
          return;
        }
        const transaction = new BinlogTransaction(this.options, boundary, (event) => {
          if (lastEmitted !== undefined && !positionAfter(event.position, lastEmitted)) {
            // Replayed after a reconnect: no barrier runs this DDL again.
            if (event.kind === 'ddl') this.options.ddlOnTarget?.settle(event.ddlEnd, undefined);
            return;
          }
          lastEmitted = event.position;
          subscriber.next(event);
        }, (next) => {
          boundary = next;
          attempt = 0;
          const changed = this.options.schemas.passed(next);
          if (changed.length > 0) {
            this.forgetColumns(changed);
            this.options.logger.warn({ tables: changed, at: describePosition(next) },
              'these tables were changed on the source without DDL in the binlog (sql_log_bin = 0?) since the definitions recorded for them: '
              + "they are decoded with today's from here on; without binlog_row_metadata=FULL rows logged before may be wrong on the target: "
              + `run scsc reconcile --include ${changed.join(',')}`);
          }
        }, (tables, end) => this.readSchemasAfterDdl(tables, end, ended.signal, (error) => {
          if (stopped) return;
          stopped = true;
          subscriber.error(error);
        }));
        const zongji = this.open(boundary, transaction, subscriber, (error) => {
          if (stopped) return;
          const fatal = fatalError(error, boundary, this.options.url);
          if (fatal !== undefined) {
            stopped = true;
            subscriber.error(fatal);
            return;
          }
          const wait = Math.min(backoff.max, backoff.first * 2 ** attempt++);
          this.options.logger.warn({ err: String((error as Error).message ?? error), retryInMs: wait, from: boundary }, 'binlog connection lost; reconnecting');
          this.close();
          retry = setTimeout(() => {
            // Asking the source takes a pooled connection: with the source's host unreachable that
            // waits out the connect timeout, and the binlog connection after it would wait again.
            // One question at a time: one left unanswered still holds its connection.
            choice ??= (this.options.chooseServerId?.() ?? Promise.resolve(this.serverId)).finally(() => {
              choice = undefined;
            });
            let timer: NodeJS.Timeout | undefined;
            const choosing = Promise.race([choice, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(this.serverId), CHOOSE_ID_TIMEOUT_MS)))]);
            void choosing.catch(() => this.serverId).then((id) => {
              clearTimeout(timer);
              if (stopped) return;
              if (id !== this.serverId) this.options.logger.warn({ serverId: id, was: this.serverId }, 'reconnecting with another binlog client id: a replica registered with the source has the old one');
              this.serverId = id;
              connect();
            });
          }, wait);
        });
        this.zongji = zongji;
        let lastSeen = Date.now();
        zongji.on('binlog', () => {
          lastSeen = Date.now();
        });
        clearInterval(watchdog);
        watchdog = setInterval(() => {
          if (!this.held() && Date.now() - lastSeen > 3 * HEARTBEAT_S * 1000) {
            lastSeen = Date.now();
            zongji.emit('error', Object.assign(new Error(`no binlog event or heartbeat for ${3 * HEARTBEAT_S} s`), { code: 'HEARTBEAT_LOST' }));
          }
        }, 1000);
        watchdog.unref();
      };
      connect();
      return () => {
        stopped = true;
        ended.abort();
        clearTimeout(retry);
        clearInterval(watchdog);
        this.close();
      };
    });
  }

  /** Stops reading from the server's socket (the server buffers, then waits on net_write_timeout). */
  pause(): void {
    this.paused = true;
    this.zongji?.connection?.pause();
  }

  resume(): void {
    this.paused = false;
    if (!this.held() && this.asking === 0) this.zongji?.connection?.resume();
  }

  /**
   * The definitions rows of these tables were decoded with were read after this DDL (scsc reached it
   * late: a backlog, or DDL right after DDL), and the binlog does not name the rows' columns: if the
   * DDL renamed columns or changed ENUM/SET values, those rows were read with the new ones.
   */
  private warnIfReadTooLate(tables: readonly string[], end: Boundary): void {
    const decoded = tables.filter((table) => this.decodedByDefinition.has(table) && this.options.schemas.readAfter(table, end));
    for (const table of tables) this.decodedByDefinition.delete(table);
    if (decoded.length === 0) return;
    this.options.logger.warn(
      { tables: decoded, ddlEnds: describePosition(end) },
      "rows of these tables logged before this DDL were decoded with their definitions after it: scsc read the source's definitions after the DDL "
      + 'had run (a backlog, or DDL right after DDL), the target could not show what the earlier DDL left (--ddl stop, another flavour, or a table defined otherwise there) '
      + 'and the binlog (binlog_row_metadata not FULL) does not name the columns of a row. If the DDL renamed '
      + `columns or changed ENUM/SET values, those rows may be wrong on the target: run scsc reconcile --include ${decoded.join(',')} (--repair fixes them), `
      + "and SET GLOBAL binlog_row_metadata = 'FULL' on the source",
    );
  }

  /**
   * Resolves when the definitions after the DDL that ends at `end` (and every DDL read before it) are
   * read and recorded, or without `end`, of every DDL read so far; rejects when that failed or the
   * stream stopped first. Not those of later DDL: with ddlOnTarget they wait for their own barrier.
   */
  async definitionsRead(end?: Boundary): Promise<void> {
    await (end === undefined ? this.schemaRead : this.readsByEnd.get(positionKey(end)));
  }

  /** Drops zongji's column lists of these tables: their next table map asks (scsc's definitions) again. */
  private forgetColumns(tables: readonly string[]): void {
    const cached = this.zongji?.tableMap as unknown as Record<string, { parentSchema?: string; tableName?: string } | undefined> | undefined;
    for (const [id, entry] of Object.entries(cached ?? {})) {
      if (entry?.parentSchema === this.options.database && entry.tableName !== undefined && tables.includes(entry.tableName)) delete cached?.[id];
    }
  }

  private held(): boolean {
    return this.paused || this.schemaReads > 0;
  }

  /**
   * DDL named these tables of the database: the stream is held while scsc reads their definitions
   * again (or takes those recorded for this DDL before a restart) and records them, so rows logged
   * after the DDL are decoded with what it left (column names, ENUM/SET values, the key), not with
   * what scsc held before. Only these tables: the others' rows logged before their own later DDL keep
   * the definitions they were logged with. zongji's column lists of the tables are dropped: their next
   * table map asks again. A failed read is retried a few times, then fails the stream; a reconnect
   * waits for it. With ddlOnTarget, the read also waits until the applier ran the DDL on the target:
   * when the source changed a table again since, the target's definitions right after it are taken.
   */
  private readSchemasAfterDdl(tables: readonly string[], end: Boundary, ended: AbortSignal, fail: (error: ScscError) => void): void {
    this.warnIfReadTooLate(tables, end);
    // Before the DDL's own boundary reaches passed(): the read below runs later.
    this.options.schemas.ddlRead(tables);
    this.forgetColumns(tables);
    this.zongji?.connection?.pause();
    this.schemaReads++;
    const backoff = this.options.reconnectMs ?? { first: 500, max: 15_000 };
    const witness = this.options.ddlOnTarget;
    const selected = tables.filter((table) => this.options.selects(table));
    // The DDL event goes out after this returns: the applier finds it expected.
    let notReached = false;
    const onTarget = witness === undefined || selected.length === 0 ? undefined : {
      before: new Map(selected.map((table) => [table, this.options.schemas.get(table)])),
      applied: async () => {
        const applied = await witness.wait(end);
        notReached = applied === NOT_REACHED;
        return applied === NOT_REACHED ? undefined : applied;
      },
    };
    if (onTarget !== undefined) witness?.expect(end);
    const stopped = (): ScscError => new ScscError('SQL_FAILED', `the stream stopped before the definitions of ${tables.join(', ')} after the DDL at ${describePosition(end)} were recorded`);
    this.schemaRead = this.schemaRead.then(async () => {
      // Once read, only recording is tried again (a second read would find them kept and record nothing).
      let toRecord: DefinitionVersion[] | undefined;
      for (let attempt = 1; ; attempt++) {
        if (ended.aborted) throw stopped();
        try {
          if (toRecord === undefined) {
            const { read, fromTarget } = await this.options.schemas.afterDdl(tables, end, onTarget);
            // The stream stopped before the target ran the DDL: what was read may be too new, and a restart reads this DDL again.
            if (notReached) throw stopped();
            if (fromTarget.length > 0) {
              this.options.logger.info({ tables: fromTarget, ddlEnds: describePosition(end) },
                'the source changed these tables again after this DDL (scsc reached it late): rows up to their next DDL are decoded with the definitions this DDL left, as the target shows them right after running it');
            }
            toRecord = read;
          }
          if (toRecord.length > 0) await this.options.recordDefinitions?.(toRecord);
          return;
        } catch (error) {
          if (ended.aborted || notReached) throw stopped();
          const message = (error as Error).message;
          if (attempt >= DEFINITION_READ_ATTEMPTS) {
            const failed = new ScscError('SQL_FAILED', `reading or recording the definitions of ${tables.join(', ')} after the DDL at ${describePosition(end)} failed ${attempt} times: ${message}`, { cause: error });
            fail(failed);
            throw failed;
          }
          const wait = Math.min(backoff.max, backoff.first * 2 ** (attempt - 1));
          this.options.logger.warn({ err: message, tables, retryInMs: wait }, "reading or recording the source's table definitions after DDL failed; the stream waits and tries again");
          await delay(wait);
        }
      }
    }).finally(() => {
      if (onTarget !== undefined) witness?.forget(end);
      this.schemaReads--;
      if (!this.held() && this.asking === 0) this.zongji?.connection?.resume();
    });
    const read = this.schemaRead;
    const key = positionKey(end);
    this.readsByEnd.set(key, read);
    // A failed read stays: the barrier of its DDL must not pass it.
    read.then(() => this.readsByEnd.get(key) === read && this.readsByEnd.delete(key), () => undefined); // delivered through fail() and definitionsRead()
  }

  private open(from: Boundary, transaction: BinlogTransaction, subscriber: Subscriber<ChangeEvent>, onError: (error: unknown) => void): ZongJi {
    const zongji = new ZongJi({
      // No default database: its queries name their schema, and a reconnect after the source dropped the database must not fail on it.
      ...toMysqlConnectionOptions({ ...this.options.url, database: undefined }),
      dateStrings: true,
      timezone: 'Z',
      jsonStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    zongji.on('error', onError);
    this.answeredIds.clear(); // table ids belong to the connection's zongji (and the server's run)
    this.asking = 0;
    this.answerColumnLookups(zongji);
    const readStatement = statementsAsSent(zongji, this.options.collations, this.options.logger);
    const expected = this.options.sourceServer;
    zongji.on('ready', () => {
      // Queued ahead of the dump command on the same connection: answered before any event arrives.
      zongji.connection?.query(`SET SESSION net_write_timeout = ${PAUSED_READER_TIMEOUT_S}`);
      zongji.connection?.query(`SET @master_heartbeat_period = ${HEARTBEAT_S * 1_000_000_000}`);
      if (expected !== undefined) {
        zongji.connection?.query(expected.sql, (error: unknown, rows: unknown) => {
          const identity = (rows as Array<{ identity?: string }> | undefined)?.[0]?.identity;
          if ((error as { fatal?: boolean } | null)?.fatal === true) return; // a lost connection, which the error handler reconnects
          if (error !== null || identity === undefined) {
            this.options.logger.warn({ err: String((error as Error | null)?.message ?? 'no answer') }, 'could not ask the binlog connection which server it reaches: a failover behind the source\'s address goes unnoticed on this connection');
            return;
          }
          if (identity !== expected.identity) onError(sourceChangedError(this.options.url, `the stream was read from the server with ${expected.identity}, this one has ${identity}`));
        });
      }
    });
    zongji.on('binlog', (event: AnyBinlogEvent) => {
      // zongji resumes its socket itself after a metadata lookup: hold it again.
      if (this.held()) zongji.connection?.pause();
      const name = event.getEventName();
      if (name === 'tablemap') {
        const map = event as AnyBinlogEvent & { tableId: number; tableName: string; schemaName: string };
        const entry = zongji.tableMap[map.tableId] as unknown as RowReaderTableEntry | undefined;
        if (entry !== undefined && map.schemaName === this.options.database) {
          if (this.answeredIds.has(map.tableId) && this.options.selects(map.tableName)) this.decodedByDefinition.add(map.tableName);
          const charsetIds = (event as { _columnCharsetIds?: Array<number | undefined> })._columnCharsetIds;
          const slow = prepareRowReader(entry, tableAsLogged(entry, this.options.schemas.get(map.tableName), charsetIds, this.options.collations));
          if (slow !== undefined && !this.slowTables.has(map.tableName)) {
            this.slowTables.add(map.tableName);
            this.options.logger.debug({ table: map.tableName, ...slow }, "rows of this table are decoded by zongji: scsc's own row reader does not read this column's type");
          }
        }
        return;
      }
      try {
        if (name === 'query') readStatement(event);
        const kind = ROW_EVENTS[name];
        if (kind !== undefined && !readByScsc(event)) {
          const map = event as AnyBinlogEvent & { tableId: number; tableMap?: Record<number, { parentSchema?: string; tableName?: string } | undefined> };
          const entry = map.tableMap?.[map.tableId];
          adoptRowsEvent(event, kind, entry?.parentSchema === this.options.database && entry.tableName !== undefined ? this.options.schemas.get(entry.tableName) : undefined);
        }
        transaction.handle(event, zongji.options.filename ?? from.file);
      } catch (error) {
        subscriber.error(error);
      }
    });
    zongji.start({
      serverId: this.serverId,
      filename: from.file,
      position: from.offset,
      includeEvents: ['rotate', 'mariadbgtid', 'gtid', 'anonymousgtid', 'query', 'xid', 'xaprepare', 'tablemap', 'writerows', 'updaterows', 'deleterows', 'heartbeat', 'transactionpayload', 'partialupdaterows'],
      includeSchema: { [this.options.database]: true },
    } as never);
    return zongji;
  }

  /**
   * Without FULL row metadata zongji asks information_schema for a table's columns when its first
   * row event arrives; a table renamed or altered since the event was logged then gets no or the
   * wrong columns. scsc answers from its own reads of the source (the definition with the event's
   * column count), and only asks the server for tables it has never seen.
   */
  private answerColumnLookups(zongji: ZongJi): void {
    const internals = zongji as unknown as {
      _fetchTableInfo: (event: { tableId: number; schemaName: string; tableName: string; columnCount: number }, next: () => void) => void;
      tableMap: Record<number, unknown>;
    };
    const fetch = internals._fetchTableInfo.bind(zongji);
    // zongji holds the socket while it asks and resumes it after: scsc's resume() must not release it meanwhile.
    const ask = (event: Parameters<typeof fetch>[0], next: () => void): void => {
      this.asking++;
      fetch(event, () => {
        if (this.zongji === zongji) this.asking--; // a new connection started counting afresh
        next();
      });
    };
    internals._fetchTableInfo = (event, next) => {
      if (event.schemaName !== this.options.database) {
        ask(event, next);
        return;
      }
      this.answeredIds.add(event.tableId);
      const known = this.options.schemas.withColumnCount(event.tableName, event.columnCount);
      if (known === undefined) {
        ask(event, next);
        return;
      }
      internals.tableMap[event.tableId] = {
        parentSchema: event.schemaName,
        tableName: event.tableName,
        columnSchemas: known.columns.map((c) => ({
          COLUMN_NAME: c.name, COLLATION_NAME: c.collation ?? null, CHARACTER_SET_NAME: c.charset ?? null, COLUMN_COMMENT: '', COLUMN_TYPE: c.columnType,
        })),
      };
      next();
    };
  }

  private close(): void {
    const zongji = this.zongji;
    this.zongji = undefined;
    if (zongji === undefined) return;
    zongji.removeAllListeners('binlog');
    zongji.removeAllListeners('error');
    zongji.on('error', () => undefined);
    zongji.stop();
  }
}

function fatalError(error: unknown, boundary: Boundary, url: DatabaseUrl): ScscError | undefined {
  if (error instanceof ScscError) return error;
  const errno = (error as { errno?: number }).errno;
  const message = (error as { sqlMessage?: string; message?: string }).sqlMessage ?? (error as Error).message ?? String(error);
  const code = errno === undefined ? undefined : FATAL_ERRNO[errno];
  if (code === 'CHECKPOINT_PURGED') {
    return new ScscError(code, `the source ${describeEndpoint(url)} cannot stream from ${boundary.file}:${boundary.offset}: ${message}${unreadableRestartPoint(message)}`, { cause: error });
  }
  if (code !== undefined) return new ScscError(code, `reading the binlog of ${describeEndpoint(url)} failed: ${message}`, { cause: error });
  if (/^Insufficient permissions to access|fetched metadata has/.test(message)) {
    return new ScscError('BINLOG_UNREADABLE', `cannot decode rows of ${describeEndpoint(url)}: ${message}; the table was dropped or altered after these rows were logged and the binlog carries no column names`, {
      cause: error, fix: "SET GLOBAL binlog_row_metadata = 'FULL' on the source (rows logged from then on carry their columns); for the rows already logged, exclude the table or re-snapshot (delete this stream's rows from _scsc_checkpoint)",
    });
  }
  if (/binlog_transaction_compression|PARTIAL_JSON|binlog_row_value_options/i.test(message)) {
    return new ScscError('BINLOG_UNREADABLE', `${describeEndpoint(url)}: ${message}`, { cause: error });
  }
  return undefined;
}

/**
 * The server answers every unreadable start position with the same error number; what its message
 * says decides what to tell the user (a purged file needs no more words than the code's).
 */
function unreadableRestartPoint(message: string): string {
  if (/impossible position/i.test(message)) {
    return ' (the binlog file ends before the restart point: the source lost the end of its binlog in a crash, or this is another server\'s file; the target may hold changes the source no longer has)';
  }
  if (/exceeded max_allowed_packet|bogus data|event truncated/i.test(message)) {
    return ' (unless one event really is that large, no event starts at the restart point in this binlog: it was reset or replaced, or another server with the same server_id answers)';
  }
  return '';
}
