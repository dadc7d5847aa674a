import type ZongJi from '@vlasky/zongji';
import type { AnyBinlogEvent } from '@vlasky/zongji';
import { ScscError } from '../core/scsc-error.js';
import { decodeText } from '../mysql/charset-text.js';
import type { Logger } from '../observability/logger.js';
import { readQueryEvent, STATEMENT_SESSION, type RawQueryEvent } from './query-event.js';

type BinlogData = (this: unknown, packet: { buffer: Buffer; offset: number }, connection: unknown) => unknown;

const UTF8 = new Set(['utf8mb4', 'utf8mb3', 'utf8', 'ascii']);

/**
 * Reads each query event of `zongji` again from its bytes, which zongji decodes as UTF-8 text: that
 * loses the status variables' bits (sql_mode) and garbles a statement a latin1 (or other) client
 * sent. The returned function, called with a query event while zongji delivers it, sets the
 * statement's text decoded in its client's character set (`collations`: the source's collation ids)
 * and its session (event[STATEMENT_SESSION]).
 *
 * zongji emits a query event synchronously from the packet handler of its dump command, a class it
 * creates per start() just before 'ready': scsc's handler keeps the packet it is parsing.
 */
export function statementsAsSent(zongji: ZongJi, collations: ReadonlyMap<number, string> | undefined, logger: Logger): (event: AnyBinlogEvent) => void {
  let current: { buffer: Buffer; offset: number } | undefined;
  const internals = zongji as unknown as { BinlogClass?: { prototype: { binlogData?: BinlogData } }; useChecksum?: boolean };
  zongji.on('ready', () => {
    const prototype = internals.BinlogClass?.prototype;
    const original = prototype?.binlogData;
    if (prototype === undefined || typeof original !== 'function') {
      throw new ScscError('INTERNAL', 'the installed @vlasky/zongji is not the version scsc reads query events with (no Binlog.binlogData); reinstall with npm ci');
    }
    prototype.binlogData = function binlogData(packet, connection) {
      const outer = current;
      current = { buffer: packet.buffer, offset: packet.offset };
      try {
        return original.call(this, packet, connection);
      } finally {
        current = outer;
      }
    };
  });
  const undecodable = new Set<string>();
  return (event) => {
    const fields = event as unknown as Record<string | symbol, unknown>;
    // Every MariaDB transaction opens with one: its session does not matter.
    if (fields.query === 'BEGIN') return;
    const raw: RawQueryEvent | undefined = current === undefined ? undefined : readQueryEvent(current.buffer, current.offset, internals.useChecksum === true);
    if (raw === undefined) return;
    fields[STATEMENT_SESSION] = raw.session;
    const connectionCharset = raw.session.collationConnection === undefined ? undefined : collations?.get(raw.session.collationConnection);
    if (connectionCharset !== undefined) raw.session.connectionCharset = connectionCharset;
    const charset = raw.session.charsetClient === undefined ? undefined : collations?.get(raw.session.charsetClient) ?? `collation ${raw.session.charsetClient}`;
    if (charset === undefined || UTF8.has(charset)) return;
    const text = decodeText(raw.statement, charset);
    if (text !== undefined) fields.query = text;
    else if (!undecodable.has(charset) && raw.statement.some((byte) => byte > 0x7f)) {
      undecodable.add(charset);
      logger.warn({ charset, sql: String(fields.query).slice(0, 200) }, 'a statement in the binlog was sent in a character set scsc cannot decode: its text is read as UTF-8, and characters outside ASCII in it may differ on the target');
    }
  };
}
