import { describeEndpoint, type DatabaseUrl } from '../config/database-url.js';
import { ScscError } from '../core/scsc-error.js';

/** SOURCE_CHANGED: the binlog behind --source is not the one the stream's positions belong to. */
export function sourceChangedError(url: DatabaseUrl, detail: string): ScscError {
  return new ScscError('SOURCE_CHANGED', `cannot resume from ${describeEndpoint(url)}: ${detail}; its binlog positions name other changes (a failover?)`);
}
