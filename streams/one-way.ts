/**
 * `scsc replicate`: continuous one-way CDC.
 *
 *   checkpoints (_scsc_checkpoint in the target)
 *     -> none yet: snapshot = note the source's binlog head, run the hash-diff sync (bulk copy into
 *        empty tables, repair of the rest), then stream from the noted head
 *   BinlogSource (src/source: zongji -> ChangeEvents, reconnects itself)
 *     -> skip what a lane already applied before a restart (its checkpoint)
 *     -> applyInLanes (src/pipeline: one lane per table, or one lane for --consistency transaction;
 *        greedy batches; DDL as a barrier; queued bytes pause/resume the binlog socket)
 *     -> MysqlApplier (src/sink: batch + lane checkpoint in one target transaction)
 *   Watermark (src/pipeline): the restart point, saved with every batch and every few seconds.
 *
 * Ends when `stop` is aborted (batches in flight finish and are checkpointed) or on a permanent error.
 */
import { setMaxListeners } from 'node:events';
import { filter, Observable } from 'rxjs';
import type { Pool } from 'mysql2/promise';
import { CheckpointStore } from '../src/checkpoint/checkpoint-store.js';
import { DdlIntents } from '../src/checkpoint/ddl-intents.js';
import { DefinitionHistory, type DefinitionVersion } from '../src/checkpoint/definition-history.js';
import { StreamLock } from '../src/checkpoint/stream-lock.js';
import { streamName } from '../src/checkpoint/stream-name.js';
import type { ResolvedConfig } from '../src/config/config-schema.js';
import { describeEndpoint } from '../src/config/database-url.js';
import { requireDatabases } from '../src/config/require-databases.js';
import type { ChangeEvent } from '../src/core/change-event.js';
import { describePosition, positionKey, type Boundary } from '../src/core/position.js';
import { isScscError, ScscError } from '../src/core/scsc-error.js';
import { tableFilter } from '../src/core/table-filter.js';
import { rowIdentityKey, type TableSchema } from '../src/core/table-schema.js';
import { readCollationCharsets } from '../src/mysql/collation-charsets.js';
import { readServerInfo, serverIdentity, serverIdentitySql, versionAtLeast, type Flavour } from '../src/mysql/server-info.js';
import { openSessionPool } from '../src/mysql/session-pool.js';
import { readTableTriggers, triggersReason } from '../src/mysql/table-triggers.js';
import type { Logger } from '../src/observability/logger.js';
import type { ReplicationMetrics } from '../src/observability/replication-metrics.js';
import { ReplicationStats, type ReplicationFigures } from '../src/observability/replication-stats.js';
import { applyInLanes, type LaneBatch } from '../src/pipeline/apply-in-lanes.js';
import { fkCascadePlan, laneHeldTable } from '../src/sink/fk-cascades.js';
import { Watermark } from '../src/pipeline/watermark.js';
import { runSync } from '../src/reconcile/sync-run.js';
import { runScheduledReconcile, type ReconcilePass } from './reconcile.js';
import { DDL_LANE, MysqlApplier, type PreparedBatch } from '../src/sink/mysql-applier.js';
import { logsExplicitDefaults, statementSessionSettings } from '../src/sink/statement-session-settings.js';
import { targetBeforeDdl } from '../src/sink/target-definitions-around-ddl.js';
import { chooseBinlogClientId } from '../src/source/binlog-client-id.js';
import { BinlogSource } from '../src/source/binlog-source.js';
import { DdlOnTarget } from '../src/source/ddl-on-target.js';
import { openSnapshotSession } from '../src/source/snapshot-session.js';
import { sourceChangedError } from '../src/source/source-changed.js';
import { SourceSchemaCache } from '../src/source/source-schema-cache.js';

export interface OneWayOptions {
  config: ResolvedConfig;
  logger: Logger;
  stop: AbortSignal;
  /** Prometheus metrics (--metrics-port), updated as changes flow. */
  metrics?: ReplicationMetrics;
  /** --reconcile-every: repair drift found by the scheduled passes (--repair). */
  repair?: boolean;
  onReconcilePass?: (pass: ReconcilePass) => void;
  /**
   * Called once the snapshot (if any) is done and reading the binlog starts; `applied` reads the live
   * boundary before which every committed source change is on the target: it reaches the source's
   * binlog end once the target has caught up.
   */
  onStreaming?: (from: Boundary, applied: () => Boundary) => void;
  /** Live figures, every few seconds (the command prints them). */
  onStats?: (figures: ReplicationFigures) => void;
}

/**
 * Queued changes (estimated bytes) at which the binlog socket pauses and resumes. Enough for every
 * lane's batch in flight and the next one prepared behind it; more only delays applies (decoding a
 * backlog starves the target's replies) and grows the heap. Resuming soon after a pause keeps reading
 * going while the target writes, instead of the two taking turns.
 */
const QUEUE_HIGH_BYTES = 12 << 20;
const QUEUE_LOW_BYTES = 9 << 20;
const RESUME_SAVE_MS = 2_000;

export async function runOneWay(options: OneWayOptions): Promise<void> {
  // A purged restart point with --resnapshot-on-purge, or another source server with
  // --resnapshot-on-source-change, ends a run (its timers, scheduled passes,
  // pools and stream lock all released) and starts the next one from a new snapshot.
  while ((await runOnce(options)) === 'resnapshot');
}

async function runOnce(options: OneWayOptions): Promise<'stopped' | 'resnapshot'> {
  const { config, logger } = options;
  if (config.source === undefined || config.target === undefined) {
    throw new ScscError('URL_MISSING', `${config.source === undefined ? '--source' : '--target'} is required (or SCSC_SOURCE_URL / SCSC_TARGET_URL)`);
  }
  const databases = requireDatabases(config.source, config.target);
  // No default database: every query of the stream names its schema, and a connection opened after the source dropped the database must still work.
  const sourcePool = await openSessionPool({ ...config.source, database: undefined }, { role: 'source', connections: 2 });
  let targetPool: Pool | undefined;
  let lock: StreamLock | undefined;
  try {
    // workers + 2 for lanes, DDL and checkpoints, + 1 held by the stream lock
    targetPool = await openSessionPool(config.target, { role: 'target', connections: config.workers + 3, keepFkChecks: config.keepFkChecks, multipleStatements: true });
    const [sourceInfo, targetInfo] = await Promise.all([readServerInfo(sourcePool), readServerInfo(targetPool)]);
    const stream = streamName(config.source);
    const checkpoints = new CheckpointStore(targetPool, databases.target, stream);
    // Read-only, so it overlaps taking the lock (its error, if any, surfaces at the await below).
    const schemasLoading = SourceSchemaCache.load(sourcePool, databases.source);
    schemasLoading.catch(() => undefined);
    lock = await StreamLock.acquire(targetPool, databases.target, stream, logger);
    await checkpoints.ensureTable();
    const definitions = new DefinitionHistory(targetPool, databases.target, stream);
    const recordsDefinitions = await definitions.ensureTable();
    if (!recordsDefinitions) {
      logger.warn({ table: definitions.table }, `this account may not create ${definitions.table}: the source's table definitions are not recorded, so after a restart rows logged before a DDL are decoded with today's definitions (without binlog_row_metadata=FULL wrong where the DDL renamed columns or changed ENUM/SET values); GRANT CREATE on the target database to this account`);
    }
    const intents = config.ddl === 'apply' ? new DdlIntents(targetPool, databases.target, stream) : undefined;
    const ddlIntents = intents !== undefined && (await intents.ensureTable()) ? intents : undefined;
    if (intents !== undefined && ddlIntents === undefined) {
      logger.warn({ table: intents.table }, `this account may not create ${intents.table}: a DDL is not noted before it runs on the target, so a stop between running it and its checkpoint runs it again after a restart (a swap of columns or tables would swap back); GRANT CREATE on the target database to this account`);
    }

    const schemas = await schemasLoading;
    const chosen = tableFilter(config.include, config.exclude);
    const keyless = new Set(schemas.all().filter((t) => chosen.matches(t.name) && rowIdentityKey(t) === undefined).map((t) => t.name));
    for (const name of keyless) logger.warn({ table: name }, 'not replicated: the table has no primary key or NOT NULL unique key');
    const protoNamed = new Set(schemas.all().filter((t) => chosen.matches(t.name) && hasProtoColumn(t)).map((t) => t.name));
    for (const name of protoNamed) logger.warn({ table: name }, 'not replicated: a column named __proto__ cannot be read from the binlog; rename it, or keep the table equal with scsc sync');
    const selects = (table: string): boolean => chosen.matches(table) && !keyless.has(table) && !protoNamed.has(table);

    if (!config.fireTriggers) {
      const triggered = [...(await readTableTriggers(targetPool, databases.target))].filter(([table]) => selects(table) && schemas.get(table) !== undefined);
      if (triggered.length > 0) {
        throw new ScscError('TARGET_TRIGGERS', `cannot replicate into ${describeEndpoint(config.target)}: ${triggered.map(([table, names]) => triggersReason(table, names)).join('; ')}`);
      }
    }

    const sourceServer = serverIdentity(sourceInfo);
    let loaded = await checkpoints.load();
    if (loaded.resume !== undefined && loaded.sourceServer !== undefined && loaded.sourceServer !== sourceServer) {
      const changed = sourceChangedError(config.source, `the restart point ${describePosition(loaded.resume)} was read from the server with ${loaded.sourceServer}, this one has ${sourceServer}`);
      if (!config.resnapshotOnSourceChange) throw changed;
      logger.warn({ err: changed.message }, 'the source is another server than the restart point belongs to; re-snapshotting (--resnapshot-on-source-change)');
      await checkpoints.forget();
      loaded = await checkpoints.load();
    }
    if (loaded.resume === undefined) {
      if (recordsDefinitions) await definitions.forget();
      await snapshot({ ...options, checkpoints, flavour: sourceInfo.flavour, selected: schemas.all().map((t) => t.name).filter(selects) });
      loaded = await checkpoints.load();
      // Read past the snapshot's position: these are the definitions recorded for where streaming starts.
      await schemas.refresh();
    } else if (loaded.sourceServer === undefined) {
      // A checkpoint of an earlier version: its restart point is taken to belong to the server answering now.
      await checkpoints.recordSourceServer(sourceServer);
    }
    if (!checkpoints.recordsSourceServer) {
      logger.warn({ table: checkpoints.table }, `the checkpoint table lacks the source_server column and this account may not add it: a failover behind the source's address goes unnoticed at restarts; run ALTER TABLE ${checkpoints.table} ADD COLUMN source_server VARCHAR(100) NULL once as an administrator`);
    }
    // The server the stream's positions belong to: the snapshot's when it just ran.
    const streamServer = loaded.sourceServer ?? sourceServer;
    const from = loaded.resume as Boundary;
    const applied = new Map([...loaded.lanes].map(([lane, c]) => [lane, c.applied]));
    if (recordsDefinitions) {
      const recorded = await definitions.load();
      await definitions.prune(recorded, positionKey(from));
      const asRead = schemas.versionsAsRead(selects);
      const changed = schemas.resumeFrom(positionKey(from), recorded).filter(selects);
      await definitions.record(asRead);
      if (changed.length > 0) logger.info({ tables: changed }, 'these tables were defined otherwise at the restart point: their rows are decoded with the definitions recorded there until the stream reaches the DDL that changed them');
    }
    logger.info({ stream, from: describePosition(from), lanes: applied.size }, 'streaming from the source binlog');

    const streamFailed = new AbortController();
    const applyStop = AbortSignal.any([options.stop, streamFailed.signal]);
    setMaxListeners(0, applyStop); // each lane's retry wait listens to it: more than 10 lanes is no leak
    const ddlServers = { source: sourceInfo.flavour, target: targetInfo.flavour, sourceLogsExplicitDefaults: logsExplicitDefaults(sourceInfo) };
    const applier = new MysqlApplier({
      pool: targetPool, database: databases.target, sourceDatabase: databases.source, checkpoints, logger,
      ...(ddlIntents === undefined ? {} : { ddlIntents }),
      keepFkChecks: config.keepFkChecks, ddl: config.ddl,
      ddlSession: (session, sql) => statementSessionSettings(session, sql, ddlServers),
      upsertRowAlias: targetInfo.flavour === 'mysql' && versionAtLeast(targetInfo, 8, 0, 19),
      limits: { rows: config.batchSize, bytes: Math.min(16 << 20, Number(targetInfo.variables.max_allowed_packet ?? 4 << 20) - (64 << 10)) },
      // Once stopped or failed, a batch still in flight gets one last attempt at once: the run ends
      // (and releases the stream lock) as soon as it has committed or failed.
      stop: applyStop,
    });
    await applier.refreshSchema();
    const uncascaded = [...fkCascadePlan(schemas.all()).cascadingParents].filter((t) => selects(t) && !applier.cascadePlan().cascadingParents.has(t));
    if (uncascaded.length > 0) {
      logger.warn({ tables: uncascaded }, 'FK actions of the source (ON DELETE/UPDATE CASCADE, SET NULL) reference these tables, but the target has no such FKs: rows the source changes by them will not change on the target; add the same FKs to the target');
    }

    const clientId = await chooseBinlogClientId(sourcePool, stream, sourceInfo.serverId);
    if (clientId.displaced !== undefined) {
      logger.warn({ serverId: clientId.id, usual: clientId.displaced }, 'a replica registered with the source (SHOW REPLICA HOSTS) has this stream\'s usual binlog client id: reading with another, so neither drops the other');
    }
    const collations = await readCollationCharsets(sourcePool);
    // Another flavour or version may run the same DDL into other definitions (and decodes some types otherwise).
    const sameServers = sourceInfo.flavour === targetInfo.flavour && sourceInfo.major === targetInfo.major && sourceInfo.minor === targetInfo.minor;
    const ddlOnTarget = config.ddl === 'apply' && sameServers ? new DdlOnTarget() : undefined;
    const aroundDdl = { source: sourcePool, target: targetPool, databases, logger };
    const source = new BinlogSource({
      url: config.source, serverId: clientId.id, database: databases.source, selects, schemas, logger, maxHeldXaBytes: config.maxTransactionMib * 2 ** 20, collations,
      ...(recordsDefinitions ? { recordDefinitions: async (versions: readonly DefinitionVersion[]) => definitions.record(versions) } : {}),
      sourceServer: { identity: streamServer, sql: serverIdentitySql(sourceInfo.flavour) },
      ...(ddlOnTarget === undefined ? {} : { ddlOnTarget }),
      chooseServerId: async () => (await chooseBinlogClientId(sourcePool, stream, sourceInfo.serverId)).id,
    });
    const watermark = new Watermark(from);
    options.onStreaming?.(from, () => watermark.appliedThrough());
    const stats = new ReplicationStats();
    // Tables an FK cascade links share a lane (the cascaded child rows are not in the binlog, so the
    // target cascades them itself and needs the source's order between parent and children).
    const laneOf = config.consistency === 'transaction'
      ? (): string => 'all'
      : (event: ChangeEvent): string => applier.cascadePlan().laneOf(event.table) ?? event.table;
    // A change is done when a lane that held its table then, in this run or an earlier one whose
    // grouping differed (other FKs, other --consistency), has applied past it.
    const heldUpTo = new Map<string, string>();
    const appliedUpTo = (table: string): string => {
      let done = heldUpTo.get(table);
      if (done === undefined) {
        done = '';
        for (const [name, key] of applied) if (laneHeldTable(name, table) && key > done) done = key;
        heldUpTo.set(table, done);
      }
      return done;
    };
    // The stream only moves forward (BinlogSource drops what a reconnect replays; held XA changes take
    // their XA COMMIT's place): once a change lies past every lane's checkpoint, so do the rest.
    const newestApplied = [...applied.values()].reduce((newest, key) => (key > newest ? key : newest), '');
    let pastCheckpoints = false;
    const alreadyApplied = (event: ChangeEvent): boolean => {
      if (pastCheckpoints) return false;
      const key = positionKey(event.position);
      if (key > newestApplied) {
        pastCheckpoints = true;
        return false;
      }
      if (event.kind === 'ddl') return key <= (applied.get(DDL_LANE) ?? '');
      return key <= appliedUpTo(event.table) || key <= (applied.get(laneOf(event)) ?? '');
    };

    const held = lock;
    const apply = async (batch: LaneBatch, prepared: PreparedBatch | undefined): Promise<void> => {
      held.assertHeld();
      const first = batch.events[0] as ChangeEvent;
      if (batch.barrier) {
        logger.info({ table: first.table, sql: first.sql?.slice(0, 200), at: describePosition(first.position) }, 'DDL in the stream');
        const end = first.ddlEnd;
        if (ddlOnTarget?.expects(end) === true) {
          // The stream waits for the target's definitions around the DDL before it records the source's.
          const around = await targetBeforeDdl(first, aroundDdl);
          await applier.applyDdl(first, watermark.current(), async () => {
            ddlOnTarget.settle(end, await around?.after());
            // A restart point past this DDL must find the definitions it left recorded.
            await source.definitionsRead(end);
          });
        } else {
          await source.definitionsRead(end);
          await applier.applyDdl(first, watermark.current());
        }
        // Checkpointed with the DDL: a restart leaves such a table out (the __proto__ warning at start) and goes on with the others.
        const unreadable = (first.ddlTables ?? []).map(([, table]) => table).filter((table) => selects(table) && hasProtoColumn(schemas.get(table)));
        if (unreadable.length > 0) {
          throw new ScscError('COLUMN_UNREADABLE', `DDL gave ${unreadable.join(', ')} a column named __proto__, which cannot be read from the binlog: stopped after applying that DDL (${describePosition(first.position)})`);
        }
      } else {
        const ready = prepared ?? applier.prepareBatch(batch.lane, batch.events);
        const rows = await applier.executeBatch(ready, watermark.current());
        stats.appliedBatch(batch.lane, rows, batch.events);
        options.metrics?.batchApplied(batch.lane, rows, Date.now() - ready.commitTime);
      }
      watermark.applied(batch.events);
    };

    let lastSavedKey = positionKey(from);
    let saving: Promise<void> = Promise.resolve();
    const saveResume = async (): Promise<void> => {
      const current = watermark.current();
      const key = positionKey(current);
      if (key <= lastSavedKey) return;
      await checkpoints.saveResume(current);
      lastSavedKey = key;
      options.metrics?.checkpoint(current.file, current.offset);
    };
    const timer = setInterval(() => {
      saving = saveResume().catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'saving the restart point failed; retried shortly'));
      options.onStats?.(stats.figures(watermark.current()));
    }, RESUME_SAVE_MS);

    // Scheduled passes end with this run: on stop, and on an error or a re-snapshot too.
    const runEnded = new AbortController();
    const reconciling = config.reconcileEvery === undefined ? undefined : runScheduledReconcile({
      config, everyMs: config.reconcileEvery, repair: options.repair === true, source: sourcePool, logger, stop: AbortSignal.any([options.stop, runEnded.signal]),
      tables: () => schemas.all().map((t) => t.name).filter(selects),
      applied: () => watermark.appliedThrough(),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.onReconcilePass === undefined ? {} : { onPass: options.onReconcilePass }),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        // Transaction mode: whether a change has been queued since the last commit queued. A commit
        // that closes none (a transaction of other databases or tables, a position the server's
        // heartbeat reported) would cost the target a transaction of its own, for a checkpoint only.
        let changesSinceCommit = false;
        const changes = untilAborted(source.changes(from), options.stop).pipe(
          filter((event) => {
            stats.receivedEvent(event);
            if (event.kind !== 'commit') options.metrics?.changesRead(1);
            if (event.kind === 'commit') {
              if (event.endsAt !== undefined) watermark.transactionEnded(event.endsAt, event.resumeAfter);
              if (config.consistency !== 'transaction' || !changesSinceCommit) return false;
            }
            if (alreadyApplied(event)) {
              if (event.kind === 'ddl') ddlOnTarget?.settle(event.ddlEnd, undefined);
              return false;
            }
            changesSinceCommit = event.kind !== 'commit';
            return true;
          }),
        );
        changes.pipe(applyInLanes({
          laneOf,
          isBarrier: (event) => event.kind === 'ddl',
          maxRows: Math.max(config.batchSize, 1),
          maxBytes: 8 << 20,
          ...(config.consistency === 'transaction' ? { endsBatch: (event: ChangeEvent) => event.kind === 'commit', maxTransactionBytes: config.maxTransactionMib * 2 ** 20 } : {}),
          prepare: (batch) => applier.prepareBatch(batch.lane, batch.events),
          apply,
          highWaterBytes: QUEUE_HIGH_BYTES,
          lowWaterBytes: QUEUE_LOW_BYTES,
          pause: () => source.pause(),
          resume: () => source.resume(),
          onQueued: (event) => watermark.enqueued(event),
          ...(options.metrics === undefined ? {} : { onQueueBytes: (bytes: number) => options.metrics?.queueBytes(bytes) }),
          stopping: () => options.stop.aborted,
          onFailure: () => streamFailed.abort(),
        })).subscribe({ error: reject, complete: resolve });
      });
    } catch (error) {
      const purged = isScscError(error) && error.code === 'CHECKPOINT_PURGED' && config.resnapshotOnPurge;
      const moved = isScscError(error) && error.code === 'SOURCE_CHANGED' && config.resnapshotOnSourceChange;
      if (!purged && !moved) throw error;
      logger.warn({ err: error.message }, purged
        ? 'the restart point was purged from the source binlog; re-snapshotting (--resnapshot-on-purge)'
        : 'the source is another server than the restart point belongs to; re-snapshotting (--resnapshot-on-source-change)');
      clearInterval(timer);
      await saving; // a restart point being saved must not land after the checkpoints are forgotten
      await checkpoints.forget();
      return 'resnapshot';
    } finally {
      ddlOnTarget?.close();
      clearInterval(timer);
      runEnded.abort();
      await reconciling;
      await saving; // a restart point being written must commit before the stream lock is released
    }
    await saving;
    await saveResume();
    logger.info({ resumeFrom: describePosition(watermark.current()) }, 'replication stopped; every applied batch is checkpointed');
    return 'stopped';
  } finally {
    await lock?.release();
    await Promise.all([sourcePool.end().catch(() => undefined), targetPool?.end().catch(() => undefined)]);
  }
}

interface SnapshotOptions extends OneWayOptions {
  checkpoints: CheckpointStore;
  flavour: Flavour;
  selected: string[];
}

/**
 * The initial copy: the hash-diff sync (bulk copy into empty tables, repair of the others) reads the
 * source in one consistent read view whose binlog position is known, so the target ends equal to the
 * source at that position and streaming starts exactly there: no gap, nothing applied twice. A crash
 * before the end leaves no stream checkpoint: the next start compares again and copies only what
 * differs.
 */
async function snapshot(options: SnapshotOptions): Promise<void> {
  const { config, logger } = options;
  const session = await openSnapshotSession(config.source!, options.flavour);
  const head = session.head;
  logger.info({ at: describePosition(head), tables: options.selected.length }, 'no checkpoint for this stream: initial snapshot (hash-diff sync in a consistent read view)');
  if (session.preparedXa > 0) {
    logger.warn({ preparedXa: session.preparedXa }, 'XA transactions are prepared on the source and not yet committed: neither the snapshot nor the binlog after it holds their rows; if one commits and changed replicated tables, run scsc reconcile --repair (or commit / roll back them before the first start: XA RECOVER lists them)');
  }
  try {
    await copyTables(options, session.pool);
  } finally {
    await session.close();
  }
  await options.checkpoints.saveResume(head, undefined, session.server);
}

async function copyTables(options: SnapshotOptions, sourceSession: Pool): Promise<void> {
  const { config, logger } = options;
  if (options.selected.length > 0) {
    const report = await runSync({
      sourceSession,
      source: config.source!, target: config.target!, include: options.selected, exclude: [], workers: config.workers,
      batchSize: config.batchSize, apply: true, collectSql: false, bulkCopyWhenEmpty: true, keepFkChecks: config.keepFkChecks,
      createMissing: true, stopRequested: () => options.stop.aborted,
    });
    const failed = report.tables.filter((t) => t.status === 'error' || t.status === 'refused' || t.status === 'stopped');
    if (options.stop.aborted) throw new ScscError('APPLY_FAILED', 'stopped during the initial snapshot; the next start resumes it', { fix: 'start scsc replicate again' });
    if (failed.length > 0) {
      throw new ScscError('APPLY_FAILED', `initial snapshot failed for ${failed.map((t) => `${t.table} (${t.reason ?? t.status})`).join(', ')}`);
    }
    logger.info({ tables: report.tables.length, seconds: report.seconds }, 'snapshot done');
  }
}

/** The source as an Observable that completes when `stop` aborts (unsubscribing stops the reader). */
function untilAborted<T>(source: Observable<T>, stop: AbortSignal): Observable<T> {
  return new Observable<T>((subscriber) => {
    // An observer object, not `subscriber` itself: RxJS would adopt a Subscriber, and unsubscribing
    // the source would then close the outer stream without completing it.
    const subscription = source.subscribe({ next: (value) => subscriber.next(value), error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() });
    const end = (): void => {
      subscription.unsubscribe();
      subscriber.complete();
    };
    if (stop.aborted) end();
    else stop.addEventListener('abort', end, { once: true });
    return () => {
      stop.removeEventListener('abort', end);
      subscription.unsubscribe();
    };
  });
}

/** zongji decodes rows into plain objects, where a property named __proto__ is lost: such a column's values would silently not reach the target. */
function hasProtoColumn(table: TableSchema | undefined): boolean {
  return table?.columns.some((column) => column.name === '__proto__') === true;
}
