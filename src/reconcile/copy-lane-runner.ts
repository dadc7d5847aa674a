import type { PoolConnection } from 'mysql2/promise';
import { readCopyBlocks, type BlockShape, type CopyBlock } from './copy-block-reader.js';
import { planCopyLanes } from './copy-lanes.js';
import type { TableSide } from './table-side.js';

/** What a lane's writer gets: the lane's blocks in key order and the connections it holds. */
export interface LaneWork {
  /** The next block (the one after it is already being read), undefined when the lane is done. */
  next: () => Promise<CopyBlock | undefined>;
  reader: PoolConnection;
  writer: PoolConnection;
  /** True once another lane failed or the user asked to stop: finish the statement in flight, then return. */
  stop: () => boolean;
}

/**
 * Copies a table in parallel lanes (see copy-lanes.ts). Each lane holds one source connection that
 * reads its blocks (rendered by the source server, `shape`) one ahead of the writer, and one target
 * connection for `write`. After a failure no lane starts another statement, every lane finishes,
 * then the first failure is thrown; connections of a failed lane are closed, never reused.
 */
export async function runCopyLanes(
  source: TableSide, target: TableSide, lanes: number, shape: BlockShape,
  stopRequested: (() => boolean) | undefined, write: (work: LaneWork) => Promise<void>,
): Promise<void> {
  const plan = await planCopyLanes(source, lanes);
  let failed = false;
  const stop = (): boolean => failed || stopRequested?.() === true;
  const results = await Promise.allSettled(plan.map(async (lane) => {
    const reader = await source.pool.getConnection();
    let writer: PoolConnection | undefined;
    let healthy = false;
    try {
      // As far as max_allowed_packet lets it. Left so: the connection may be shared (the replicator's
      // snapshot session), and no scsc query relies on the default.
      await reader.query('SET SESSION group_concat_max_len = @@max_allowed_packet');
      const blocks = readCopyBlocks(reader, source, lane, shape);
      writer = await target.pool.getConnection();
      await write({ next: prefetching(blocks), reader, writer, stop });
      healthy = true;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // A connection left mid-result or mid-transaction is closed, not handed back to the pool.
      for (const connection of [reader, writer]) {
        if (healthy) connection?.release();
        else connection?.destroy();
      }
    }
  }));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/** next() for a generator that always has the following block on its way (the source keeps working while the target writes). */
function prefetching(blocks: AsyncGenerator<CopyBlock>): () => Promise<CopyBlock | undefined> {
  const pull = (): Promise<CopyBlock | undefined> => blocks.next().then((r) => (r.done === true ? undefined : r.value));
  let pending = pull();
  pending.catch(() => undefined);
  return async () => {
    const current = await pending;
    if (current !== undefined) {
      pending = pull();
      pending.catch(() => undefined);
    }
    return current;
  };
}
