import type { AnyBinlogEvent } from '@vlasky/zongji';

/** Binlog events shaped as zongji emits them, for feeding BinlogTransaction without a server (MySQL's forms). */
export function event(name: string, nextPosition: number, fields: Record<string, unknown> = {}): AnyBinlogEvent {
  return { getEventName: () => name, nextPosition, timestamp: 1_700_000_000_000, ...fields } as unknown as AnyBinlogEvent;
}

/** A MySQL GTID event (no standalone flag: that is MariaDB's). */
export const gtid = (next: number, n: number): AnyBinlogEvent => event('gtid', next, { gtid: `uuid:${n}` });
export const query = (next: number, sql: string): AnyBinlogEvent => event('query', next, { query: sql, schema: 'db' });
/** One row of db.t (table id 7). */
export const insert = (next: number, id: number): AnyBinlogEvent => event('writerows', next, {
  tableId: 7, tableMap: { 7: { parentSchema: 'db', tableName: 't' } }, flags: 0, rows: [{ id: String(id) }],
});
