import { STREAM_LANE } from '../checkpoint/checkpoint-store.js';
import { num, queryRows, type Queryable } from '../mysql/query-rows.js';

/** Where scsc's binlog client ids live: high in the 32-bit range, clear of the small ids people give servers. */
const BASE = 0x5c5c0000;
const SPAN = 0xffff;

export interface BinlogClientId {
  id: number;
  /** The stream's usual id, when a server or registered replica already has it. */
  displaced?: number;
}

/**
 * The replica id scsc's binlog client announces. A source drops the older of two binlog readers with
 * the same id, so it must differ from the source's own and from every replica registered with it
 * (else scsc and that replica would take turns throwing each other off). Stable per stream, so a
 * restarted scsc replaces its own lingering reader; moved on to the next free id when taken.
 */
export async function chooseBinlogClientId(source: Queryable, stream: string, sourceServerId: number): Promise<BinlogClientId> {
  const taken = new Set([sourceServerId, ...await registeredReplicaIds(source)]);
  const usual = streamClientId(stream);
  let id = usual;
  while (taken.has(id)) id = BASE + ((id - BASE + 1) % SPAN);
  return id === usual ? { id } : { id, displaced: usual };
}

export function streamClientId(stream: string): number {
  let hash = 0;
  for (const char of `${stream}${STREAM_LANE}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return BASE + (hash % SPAN);
}

/** Server ids of the replicas registered with the source; none when the account may not list them. */
async function registeredReplicaIds(source: Queryable): Promise<number[]> {
  for (const sql of ['SHOW REPLICA HOSTS', 'SHOW REPLICAS', 'SHOW SLAVE HOSTS']) {
    try {
      const rows = await queryRows(source, sql);
      return rows.map((row) => num(row.Server_id ?? row.Server_Id)).filter((id) => Number.isInteger(id));
    } catch {
      // not this server's spelling (MariaDB < 10.5, MySQL < 8.0.22 / >= 8.4), or not permitted
    }
  }
  return [];
}
