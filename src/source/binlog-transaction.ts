import type { AnyBinlogEvent } from '@vlasky/zongji';
import type { ChangeEvent, ChangeKind, RowImage, StatementSession } from '../core/change-event.js';
import { COMMIT_INDEX, describePosition, type Boundary, type Position } from '../core/position.js';
import { ScscError } from '../core/scsc-error.js';
import { rowIdentityKey } from '../core/table-schema.js';
import { changeKeys } from './binlog-row-decoder.js';
import { hasPartialImages, PackedRow, rowImageBytes } from './binlog-row-reader.js';
import { PackedRowChange } from './packed-row-change.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { sqlModeQuoting } from '../mysql/sql-mode.js';
import { parseStatement, type ParsedStatement, type XaStatement } from './ddl-statement.js';
import { STATEMENT_SESSION } from './query-event.js';
import type { BinlogSourceOptions } from './binlog-source.js';

interface OpenTransaction {
  start: Boundary;
  gtid: string | undefined;
  origin: number;
  time: number;
  index: number;
  /** MariaDB marks DDL and other implicitly committed statements as standalone: no COMMIT follows. */
  standalone: boolean;
  /**
   * Opened by a MySQL GTID event, no statement yet: MySQL follows it with BEGIN for a transaction,
   * and with the statement itself for DDL, which no COMMIT or XID ends.
   */
  untilStatement?: true;
  /** Inside XA START ... XA PREPARE: the xid, and the changes held until the XA COMMIT that decides them. */
  xa?: { xid: string; held: ChangeEvent[]; bytes: number };
}

/** An XA transaction prepared on the source and not yet committed or rolled back. */
interface PreparedXa {
  /** Where its group starts: reading must restart there until it is decided. */
  start: Boundary;
  held: ChangeEvent[];
  bytes: number;
  /** Source time of the prepare (ms), and whether a warning said it is still undecided. */
  time: number;
  warned: boolean;
}

/** Binlog time after which a prepared XA transaction still holding the restart point back is worth a warning. */
const LONG_UNDECIDED_MS = 10 * 60_000;

type Fields = Record<string | symbol, unknown>;

/** Rows event flag: the statement ran with foreign_key_checks = 0 (MySQL and MariaDB alike). */
const NO_FOREIGN_KEY_CHECKS = 0x0002;

/**
 * Turns zongji's events, in order, into ChangeEvents: finds transaction boundaries (GTID event or
 * BEGIN to XID or COMMIT; standalone statements), numbers the row changes inside a transaction,
 * and reports each new boundary (where a reader may restart).
 *
 * An XA transaction's rows are logged when it is prepared and decided later by an XA COMMIT or XA
 * ROLLBACK in a group of its own. They are held until then and emitted as changes of the XA
 * COMMIT's group (InnoDB keeps the rows locked meanwhile, so no other change to them comes
 * between); until it is decided, every restart point reported is the prepared group's start.
 */
export class BinlogTransaction {
  private open: OpenTransaction | undefined;
  private boundary: Boundary;
  private readonly prepared = new Map<string, PreparedXa>();
  private preparedBytes = 0;

  constructor(
    private readonly options: Pick<BinlogSourceOptions, 'database' | 'selects' | 'schemas' | 'logger' | 'maxHeldXaBytes'>,
    from: Boundary,
    private readonly emit: (event: ChangeEvent) => void,
    private readonly onBoundary: (boundary: Boundary) => void,
    /** Called with the database's tables (selected or not) a CREATE, ALTER, DROP or RENAME names, and where it ends, as it is read. */
    private readonly onTableDdl: (tables: string[], end: Boundary) => void = () => undefined,
  ) {
    this.boundary = from;
  }

  handle(event: AnyBinlogEvent, file: string): void {
    const fields = event as unknown as Fields;
    switch (event.getEventName()) {
      case 'rotate':
        if (this.open === undefined) this.ended({ file: String(fields.binlogName), offset: Number(fields.position) });
        return;
      case 'heartbeat': {
        // Sent when the server has nothing more to send: everything before its position has been
        // read, including events that end no transaction (a binlog's checkpoint and GTID list).
        const offset = typeof fields.position === 'number' ? fields.position : event.nextPosition;
        const name = typeof fields.binlogName === 'string' && fields.binlogName !== '' ? fields.binlogName : file;
        if (this.open === undefined && name === this.boundary.file && offset > this.boundary.offset) this.ended({ file: name, offset });
        return;
      }
      case 'mariadbgtid':
      case 'gtid':
      case 'anonymousgtid':
        this.begin(event, fields.standalone === true);
        if (event.getEventName() !== 'mariadbgtid' && this.open !== undefined) this.open.untilStatement = true;
        // MariaDB marks an XA transaction's prepare group in its GTID event (no XA START statement follows).
        if (fields.preparedXa === true && this.open !== undefined) this.open.xa = { xid: xidOf(fields) ?? '', held: [], bytes: 0 };
        return;
      case 'query':
        this.query(event, file);
        return;
      case 'xid':
        this.commit(event, file);
        return;
      case 'xaprepare':
        this.xaPrepared(event, file, fields.onePhase === true);
        return;
      case 'writerows':
        this.rows(event, 'insert');
        return;
      case 'updaterows':
        this.rows(event, 'update');
        return;
      case 'deleterows':
        this.rows(event, 'delete');
        return;
      default:
    }
  }

  private begin(event: AnyBinlogEvent, standalone: boolean): void {
    const fields = event as unknown as Fields;
    if (this.preparedBytes > 0) this.warnLongUndecided(event.timestamp);
    this.open = {
      start: { ...this.boundary, ...(event.gtid === undefined ? {} : { gtid: event.gtid }) },
      gtid: event.gtid,
      origin: typeof fields.serverId === 'number' ? fields.serverId : 0,
      time: event.timestamp,
      index: 0,
      standalone,
    };
  }

  private query(event: AnyBinlogEvent, file: string): void {
    const fields = event as unknown as Fields;
    const sql = typeof fields.query === 'string' ? fields.query : '';
    const schema = typeof fields.schema === 'string' ? fields.schema : '';
    const session = fields[STATEMENT_SESSION] as StatementSession | undefined;
    const parsed = parseStatement(sql, schema, sqlModeQuoting(session?.sqlMode));
    const { statement, text } = this.asTableDdl(parsed, sql);
    const afterMysqlGtid = this.open?.untilStatement === true;
    if (this.open !== undefined) delete this.open.untilStatement;
    if (statement.kind === 'begin') {
      if (this.open === undefined) this.begin(event, false);
      return;
    }
    if (statement.kind === 'commit') {
      this.commit(event, file);
      return;
    }
    if (statement.kind === 'rollback') {
      this.finish(file, event.nextPosition);
      return;
    }
    if (statement.xa !== undefined) {
      this.xa(event, file, statement.xa);
      return;
    }
    if (this.open === undefined) this.begin(event, true);
    // MySQL 8 logs CREATE ... SELECT as one transaction: the CREATE (ending in START TRANSACTION), its rows, an XID.
    else if (afterMysqlGtid) this.open.standalone = !/\bSTART\s+TRANSACTION\s*$/i.test(sql);
    let ddlEnd: Boundary | undefined;
    if (statement.kind === 'table-ddl' || statement.kind === 'database-ddl') {
      // MariaDB 11 logs end_log_pos 0 inside a group (CREATE ... SELECT): the group's start stands in.
      const end = event.nextPosition > 0 ? { file, offset: event.nextPosition } : this.open?.start ?? this.boundary;
      ddlEnd = { file: end.file, offset: end.offset };
      const named = statement.tables.filter(([db]) => db === this.options.database).map(([, table]) => table);
      if (named.length > 0) this.onTableDdl(named, ddlEnd);
    }
    if (statement.kind === 'database-ddl' && statement.database?.name === this.options.database && ddlEnd !== undefined) {
      // Run on the target as the target database's own: a connection there has it as its database.
      this.push('ddl', '', { sql: `ALTER DATABASE ${statement.database.options}`, ddlTables: [], schema, ddlEnd, ...(session === undefined ? {} : { session }) });
    }
    const ours = statement.tables.filter(([db, table]) => db === this.options.database && this.options.selects(table));
    if (ours.length > 0 && (statement.kind === 'truncate' || statement.kind === 'table-ddl')) {
      const [, table] = ours[0] ?? ['', ''];
      // Only a replicated table's definition on the target follows the source's.
      const like = statement.like?.[0] === this.options.database && this.options.selects(statement.like[1]) ? statement.like[1] : undefined;
      this.push(statement.kind === 'truncate' ? 'truncate' : 'ddl', table, {
        sql: text, ddlTables: ours, schema, ...(session === undefined ? {} : { session }), ...(ddlEnd === undefined ? {} : { ddlEnd }), ...(like === undefined ? {} : { ddlLike: like }),
        ...(statement.create === undefined ? {} : { ddlCreate: statement.create }),
        ...(statement.renames === undefined ? {} : { ddlRenames: statement.renames.map(([from, to]) => [this.ours(from), this.ours(to)]) }),
      });
    }
    if (this.open?.standalone === true) this.commit(event, file);
  }

  /**
   * DROP DATABASE of this database drops its tables: a DROP TABLE of those scsc knows, so that the
   * replicated ones go on the target too (the target database itself stays, with scsc's tables and
   * any other), and their definitions are read again (none).
   */
  private asTableDdl(statement: ParsedStatement, sql: string): { statement: ParsedStatement; text: string } {
    if (statement.kind !== 'database-ddl' || statement.database?.drop !== true || statement.database.name !== this.options.database) return { statement, text: sql };
    const tables = this.options.schemas.all().map((table) => table.name);
    const replicated = tables.filter((table) => this.options.selects(table));
    this.options.logger.warn({ database: this.options.database, tables: replicated }, 'the source dropped the replicated database: its replicated tables are dropped on the target too (--ddl apply), or scsc stops before it (--ddl stop)');
    return {
      statement: { kind: 'table-ddl', tables: tables.map((table) => [this.options.database, table]) },
      text: `DROP TABLE IF EXISTS ${replicated.map(quoteIdentifier).join(', ')}`,
    };
  }

  /** The table's name when it is one of this database's. */
  private ours([db, table]: [string, string]): string | undefined {
    return db === this.options.database ? table : undefined;
  }

  private rows(event: AnyBinlogEvent, kind: ChangeKind): void {
    const fields = event as unknown as Fields;
    const map = (fields.tableMap as Record<number, { parentSchema: string; tableName: string }> | undefined)?.[Number(fields.tableId)];
    if (map === undefined || map.parentSchema !== this.options.database || !this.options.selects(map.tableName)) return;
    if (this.open === undefined) this.begin(event, false);
    const schema = this.options.schemas.get(map.tableName);
    const identity = schema === undefined ? undefined : rowIdentityKey(schema);
    const fkChecksOff = (Number(fields.flags) & NO_FOREIGN_KEY_CHECKS) !== 0;
    const partial = hasPartialImages(event);
    const rows = fields.rows as Array<Image | { before: Image; after: Image }>;
    const binlogBytes = rowImageBytes(event);
    const columns = schema?.columns.length ?? 0;
    // Per change: its share of the event's row bytes, plus the overheads estimateBytes counts.
    const bytes = binlogBytes === undefined ? undefined : CHANGE_OVERHEAD_BYTES + binlogBytes / rows.length + (kind === 'update' ? 2 : 1) * VALUE_OVERHEAD_BYTES * columns;
    // Row images arrive in scsc's exact forms (binlog-row-reader.ts reads them), full ones still packed.
    for (const raw of rows) {
      const rawBefore = kind === 'update' ? (raw as { before: Image }).before : kind === 'delete' ? (raw as Image) : undefined;
      const rawAfter = kind === 'update' ? (raw as { after: Image }).after : kind === 'insert' ? (raw as Image) : undefined;
      if (!partial && identity !== undefined && bytes !== undefined && allPacked(rawBefore, rawAfter)) {
        this.deliverPacked(kind, map.tableName, bytes, rawBefore as PackedRow | undefined, rawAfter as PackedRow | undefined, identity.columns, fkChecksOff);
        continue;
      }
      const before = unpacked(rawBefore);
      const after = unpacked(rawAfter);
      // A partial after image (binlog_row_image=MINIMAL) leaves out key columns it did not change.
      if (partial && before !== undefined && after !== undefined && identity !== undefined) {
        for (const name of identity.columns) if (!Object.hasOwn(after, name) && Object.hasOwn(before, name)) after[name] = before[name] ?? null;
      }
      const change = this.change(kind, map.tableName, bytes ?? CHANGE_OVERHEAD_BYTES + imageBytes(before) + imageBytes(after));
      if (change === undefined) return;
      if (before !== undefined) change.before = before;
      if (after !== undefined) change.after = after;
      if (identity !== undefined) {
        const { key, newKey } = changeKeys(before, after, identity.columns);
        change.key = key;
        if (newKey !== undefined) change.newKey = newKey;
      }
      if (fkChecksOff) change.fkChecksOff = true;
      if (partial) change.partial = true;
      this.deliver(change);
    }
  }

  private xa(event: AnyBinlogEvent, file: string, xa: XaStatement): void {
    switch (xa.step) {
      case 'start':
        if (this.open === undefined) this.begin(event, false);
        if (this.open !== undefined) this.open.xa = { xid: normalXid(xa.xid), held: [], bytes: 0 };
        return;
      case 'end':
        return;
      case 'prepare': // MySQL and MariaDB log an XA_PREPARE event, never this statement; the same if one came
        this.xaPrepared(event, file, xa.onePhase);
        return;
      case 'commit': {
        // XA COMMIT ... ONE PHASE inside the group itself decides the rows held in it.
        const inGroup = this.open?.xa;
        if (this.open !== undefined) this.open.xa = undefined;
        const xid = normalXid(xa.xid);
        const decided = inGroup ?? this.prepared.get(xid);
        if (this.open === undefined) this.begin(event, false);
        if (decided !== undefined) {
          // Still prepared while they are pushed: they restart from its start until applied.
          for (const held of decided.held) this.release(held);
        } else if (!xa.onePhase) {
          this.options.logger.info({ xid: xa.xid, at: `${file}:${event.nextPosition}` },
            'XA COMMIT of a transaction whose prepare this run did not read: applied by an earlier run, or prepared before the first snapshot (its warning says so)');
        }
        this.forget(xid);
        this.commit(event, file);
        return;
      }
      case 'rollback':
        this.forget(normalXid(xa.xid));
        this.finish(file, event.nextPosition);
        return;
    }
  }

  /** The end of an XA transaction's prepare group: its rows wait for the decision (one phase: decided now). */
  private xaPrepared(event: AnyBinlogEvent, file: string, onePhase: boolean): void {
    const open = this.open;
    const xa = open?.xa;
    if (open === undefined || xa === undefined) {
      this.finish(file, event.nextPosition);
      return;
    }
    open.xa = undefined;
    if (onePhase) {
      for (const held of xa.held) this.release(held);
      this.commit(event, file);
      return;
    }
    const xid = xidOf(event as unknown as Fields) ?? xa.xid;
    if (this.prepared.has(xid)) {
      this.options.logger.warn({ xid }, 'an XA transaction was prepared again under an xid whose earlier prepare was never seen decided: the earlier one\'s rows are dropped; run scsc reconcile --repair');
      this.forget(xid);
    }
    this.prepared.set(xid, { start: open.start, held: xa.held, bytes: xa.bytes, time: open.time, warned: false });
    this.preparedBytes += xa.bytes;
    this.finish(file, event.nextPosition);
  }

  private warnLongUndecided(now: number): void {
    for (const [xid, prepared] of this.prepared) {
      if (prepared.warned || prepared.held.length === 0 || now - prepared.time < LONG_UNDECIDED_MS) continue;
      prepared.warned = true;
      this.options.logger.warn({ xid, preparedAt: describePosition(prepared.start), minutes: Math.round((now - prepared.time) / 60_000) },
        'an XA transaction prepared on the source is still undecided: its rows wait in memory and the restart point stays at its prepare (a restart re-reads the binlog from there, which must not be purged); XA RECOVER on the source lists it, XA COMMIT or XA ROLLBACK decides it');
    }
  }

  private forget(xid: string): void {
    this.preparedBytes -= this.prepared.get(xid)?.bytes ?? 0;
    this.prepared.delete(xid);
  }

  private commit(event: AnyBinlogEvent, file: string): void {
    if (this.open !== undefined && event.nextPosition > 0) {
      const endsAt = { file, offset: event.nextPosition };
      this.push('commit', '', this.endOf(endsAt), COMMIT_INDEX);
      this.open = undefined;
      this.advance(endsAt);
      return;
    }
    this.finish(file, event.nextPosition);
  }

  /**
   * Where a reader may restart once `boundary` is passed: the oldest undecided XA transaction that
   * changed replicated tables holds it back (one that changed none is only remembered).
   */
  private restartPoint(boundary: Boundary): Boundary {
    if (this.prepared.size === 0) return boundary;
    for (const prepared of this.prepared.values()) if (prepared.held.length > 0) return prepared.start;
    return boundary;
  }

  /** The end of a group that commits nothing here (a rollback, an XA prepare, a group of other tables' events). */
  private finish(file: string, nextPosition: number): void {
    this.open = undefined;
    if (nextPosition > 0) this.ended({ file, offset: nextPosition });
  }

  /**
   * Reading has passed `boundary` outside any transaction: a commit event with no changes tells the
   * pipeline (its restart point and what is applied move on even if no commit follows for a while).
   * Its index 0 sorts it after every change before the boundary and before the next transaction's.
   */
  private ended(boundary: Boundary): void {
    this.emit({
      kind: 'commit', db: this.options.database, table: '', position: { file: boundary.file, offset: boundary.offset, index: 0 },
      resumeFrom: this.restartPoint(boundary), origin: 0, commitTime: Date.now(), bytes: 200, ...this.endOf(boundary),
    });
    this.advance(boundary);
  }

  /** A commit event's end: the boundary, and where to restart instead while an undecided XA holds it back. */
  private endOf(boundary: Boundary): Pick<ChangeEvent, 'endsAt' | 'resumeAfter'> {
    const restart = this.restartPoint(boundary);
    return restart === boundary ? { endsAt: boundary } : { endsAt: boundary, resumeAfter: restart };
  }

  private advance(boundary: Boundary): void {
    this.boundary = boundary;
    this.onBoundary(this.restartPoint(boundary));
  }

  /** A change whose images stay packed until it is applied (PackedRowChange). */
  private deliverPacked(kind: ChangeKind, table: string, bytes: number, before: PackedRow | undefined, after: PackedRow | undefined, keyColumns: readonly string[], fkChecksOff: boolean): void {
    const open = this.open;
    if (open === undefined) return;
    const change = new PackedRowChange(kind, this.options.database, table, this.nextPosition(open), this.restartPoint(open.start), open.origin, open.time, bytes, before, after, keyColumns);
    if (fkChecksOff) change.fkChecksOff = true;
    this.deliver(change);
  }

  /** A held XA change, delivered as a change of the open transaction (the XA COMMIT's group). */
  private release(held: ChangeEvent): void {
    const open = this.open;
    if (open === undefined) return;
    if (held instanceof PackedRowChange) this.deliver(held.placed(this.nextPosition(open), this.restartPoint(open.start), open.origin, open.time));
    else this.push(held.kind, held.table, held);
  }

  /** A change of the open transaction (its next index, or `index`), to be completed and delivered; undefined outside a transaction. */
  private change(kind: ChangeKind, table: string, bytes: number, index?: number): ChangeEvent | undefined {
    const open = this.open;
    if (open === undefined) return undefined;
    // One object shape for every change, properties added in one order: the stream's hot path.
    return { kind, db: this.options.database, table, position: this.nextPosition(open, index), resumeFrom: this.restartPoint(open.start), origin: open.origin, commitTime: open.time, bytes };
  }

  /** The place of the open transaction's next change (or of its commit, with COMMIT_INDEX). */
  private nextPosition(open: OpenTransaction, index?: number): Position {
    const position: Position = { file: open.start.file, offset: open.start.offset, index: index ?? ++open.index };
    if (open.gtid !== undefined) position.gtid = open.gtid;
    return position;
  }

  private push(kind: ChangeKind, table: string, extra: Partial<ChangeEvent> & { schema?: string }, index?: number): void {
    const event = this.change(kind, table, estimateBytes(extra), index);
    if (event === undefined) return;
    if (extra.before !== undefined) event.before = extra.before;
    if (extra.after !== undefined) event.after = extra.after;
    if (extra.key !== undefined) event.key = extra.key;
    if (extra.newKey !== undefined) event.newKey = extra.newKey;
    if (extra.fkChecksOff !== undefined) event.fkChecksOff = extra.fkChecksOff;
    if (extra.partial !== undefined) event.partial = extra.partial;
    if (extra.sql !== undefined) event.sql = extra.sql;
    if (extra.session !== undefined) event.session = extra.session;
    if (extra.ddlTables !== undefined) event.ddlTables = extra.ddlTables;
    if (extra.ddlEnd !== undefined) event.ddlEnd = extra.ddlEnd;
    if (extra.ddlLike !== undefined) event.ddlLike = extra.ddlLike;
    if (extra.ddlCreate !== undefined) event.ddlCreate = extra.ddlCreate;
    if (extra.ddlRenames !== undefined) event.ddlRenames = extra.ddlRenames;
    if (extra.endsAt !== undefined) event.endsAt = extra.endsAt;
    if (extra.resumeAfter !== undefined) event.resumeAfter = extra.resumeAfter;
    this.deliver(event);
  }

  /** Emits a change of the open transaction, or holds it while the transaction is an XA one not yet decided. */
  private deliver(event: ChangeEvent): void {
    const open = this.open;
    if (open === undefined) return;
    if (open.xa === undefined) {
      this.emit(event);
      return;
    }
    open.xa.held.push(event);
    open.xa.bytes += event.bytes;
    const limit = this.options.maxHeldXaBytes ?? Number.POSITIVE_INFINITY;
    if (open.xa.bytes + this.preparedBytes > limit) {
      const mib = Math.round(limit / 2 ** 20);
      throw new ScscError('TRANSACTION_TOO_LARGE', `the XA transaction starting at ${describePosition(open.start)} and the undecided ones before it hold more than ${mib} MiB of row changes; `
        + 'a prepared XA transaction is held in memory until its XA COMMIT', {
        fix: `raise --max-transaction-mib above ${mib} if this machine has the memory (changes held in memory take several times their row bytes)`,
      });
    }
  }
}

/** The xid an XA_PREPARE or MariaDB GTID event carries, in the form the server writes into XA statements. */
function xidOf(fields: Fields): string | undefined {
  const { xidGtrid, xidBqual, xidFormatId } = fields;
  if (!Buffer.isBuffer(xidGtrid) || !Buffer.isBuffer(xidBqual) || typeof xidFormatId !== 'number') return undefined;
  return `X'${xidGtrid.toString('hex')}',X'${xidBqual.toString('hex')}',${xidFormatId}`;
}

/**
 * An XA statement's xid (gtrid[, bqual[, formatID]]) in the form xidOf() gives: the server writes
 * X'..',X'..',n, but a quoted string or 0x.. literal means the same bytes.
 */
function normalXid(text: string): string {
  const parts = [...text.matchAll(/\s*(X'[0-9a-f]*'|0x[0-9a-f]+|'(?:[^']|'')*'|\d+)\s*(?:,|$)/gi)].map((m) => m[1] as string);
  const hex = (part: string | undefined): string => {
    if (part === undefined) return '';
    if (/^X'/i.test(part)) return part.slice(2, -1).toLowerCase();
    if (/^0x/i.test(part)) return part.slice(2).toLowerCase();
    return Buffer.from(part.slice(1, -1).replace(/''/g, "'"), 'utf8').toString('hex');
  };
  if (parts.length === 0) return text;
  return `X'${hex(parts[0])}',X'${hex(parts[1])}',${parts[2] ?? 1}`;
}

/** A row image as scsc's reader hands it over: read, or packed until applied. */
type Image = RowImage | PackedRow;

/** Whether the change's images (one or both) are all packed. */
function allPacked(before: Image | undefined, after: Image | undefined): boolean {
  return (before !== undefined || after !== undefined) && (before === undefined || before instanceof PackedRow) && (after === undefined || after instanceof PackedRow);
}

function unpacked(image: Image | undefined): RowImage | undefined {
  return image instanceof PackedRow ? image.image() : image;
}

/** Memory a change takes beyond its values, and each value beyond its bytes (rough, for byte-bounded queues). */
const CHANGE_OVERHEAD_BYTES = 200;
const VALUE_OVERHEAD_BYTES = 24;

function estimateBytes(fields: Partial<ChangeEvent>): number {
  return CHANGE_OVERHEAD_BYTES + imageBytes(fields.before) + imageBytes(fields.after) + (fields.sql?.length ?? 0);
}

function imageBytes(image: RowImage | undefined): number {
  if (image === undefined) return 0;
  let bytes = 0;
  for (const name in image) {
    const value = image[name];
    bytes += VALUE_OVERHEAD_BYTES + (value === null || value === undefined ? 0 : value.length);
  }
  return bytes;
}
