import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { CopyBlock } from './copy-block-reader.js';
import type { KeyRange } from './key-range.js';

/** Data packets stay well under any server's max_allowed_packet (MySQL's own client sends 16 KiB to 64 KiB). */
const PACKET_BYTES = 256 << 10;
/** Bytes waiting in the target socket before the next block is taken: memory stays flat however slow the target. */
const SOCKET_BYTES = 4 << 20;
const LF = Buffer.from('\n');

export interface LoadOutcome {
  rows: number;
  /** The key range the statement's blocks covered. */
  range: KeyRange;
  /** The blocks ran out (as opposed to the statement's byte budget or a stop request ending it). */
  exhausted: boolean;
  /** Why the statement was rolled back: the target warned about a value or did not take every row. */
  rejected?: string;
}

/**
 * One LOAD DATA LOCAL INFILE statement fed from `next()` until about `budgetBytes` were sent, the
 * blocks run out, or `stop()` says so, in its own transaction. With LOCAL the server behaves as with
 * IGNORE (it cannot stop the client's transfer): a duplicate key or a value it had to change is only
 * a warning, so such a statement is rolled back and returned as rejected; the caller writes its range
 * again with INSERTs, which fail (or succeed) exactly as strict INSERTs do.
 */
export async function loadBlocks(
  connection: PoolConnection, statement: string, next: () => Promise<CopyBlock | undefined>,
  budgetBytes: number, onBlock: (rows: number) => void, stop: () => boolean,
): Promise<LoadOutcome> {
  let rows = 0;
  let bytes = 0;
  let exhausted = false;
  let pumping = false;
  const range: KeyRange = {};
  const socket = socketOf(connection);
  const stream = new Readable({
    read() {
      if (pumping) return;
      pumping = true;
      void pump().catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
    },
  });
  const pump = async (): Promise<void> => {
    for (;;) {
      if (bytes >= budgetBytes || stop()) {
        stream.push(null);
        return;
      }
      if (socket !== undefined && socket.writableLength > SOCKET_BYTES) await once(socket, 'drain');
      const block = await next();
      if (block === undefined) {
        exhausted = true;
        stream.push(null);
        return;
      }
      if (rows === 0 && block.range.after !== undefined) range.after = block.range.after;
      if (block.range.upTo === undefined) delete range.upTo;
      else range.upTo = block.range.upTo;
      rows += block.rows;
      bytes += block.data.length + 1;
      let more = true;
      for (let offset = 0; offset < block.data.length; offset += PACKET_BYTES) more = stream.push(block.data.subarray(offset, offset + PACKET_BYTES));
      more = stream.push(LF) && more;
      onBlock(block.rows);
      if (!more) {
        pumping = false;
        return;
      }
    }
  };

  await connection.query('START TRANSACTION');
  try {
    const [result] = await connection.query<ResultSetHeader>({ sql: statement, infileStreamFactory: () => stream });
    const rejected = await problems(connection, result, rows);
    await connection.query(rejected === undefined ? 'COMMIT' : 'ROLLBACK');
    return { rows, range, exhausted, ...(rejected === undefined ? {} : { rejected }) };
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    stream.destroy();
    throw error;
  }
}

/** mysql2 writes the file's packets straight to the socket; its buffer is the only place they pile up. */
function socketOf(connection: PoolConnection): Writable | undefined {
  const stream = (connection as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  return stream !== null && typeof stream === 'object' && 'writableLength' in stream ? (stream as Writable) : undefined;
}

async function problems(connection: PoolConnection, result: ResultSetHeader, sent: number): Promise<string | undefined> {
  if (result.warningStatus > 0) {
    const [warnings] = await connection.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 5');
    const serious = warnings.filter((w) => String(w.Level) !== 'Note');
    if (serious.length > 0) return serious.map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`).join('; ');
  }
  return result.affectedRows === sent ? undefined : `the target loaded ${result.affectedRows} of the ${sent} rows sent`;
}
