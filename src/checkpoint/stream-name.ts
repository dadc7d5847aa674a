import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';

/** A replication stream's name in the checkpoint table: the source's host:port/database, no user. */
export function streamName(source: DatabaseUrl): string {
  return describeEndpoint({ ...source, user: '' }).replace(/^@/, '');
}
