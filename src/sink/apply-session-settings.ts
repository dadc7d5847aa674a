import type { PoolConnection } from 'mysql2/promise';
import { ScscError } from '../core/scsc-error.js';
import { isTransient } from './apply-retry.js';
import type { SessionSetting } from './statement-session-settings.js';

/** ER_UNKNOWN_TIME_ZONE: a named time zone the target's time zone tables lack. */
const UNKNOWN_TIME_ZONE = 1298;

/**
 * Gives a target session the source session's settings (statementSessionSettings): all at once, and
 * when the target refuses that (an older version without a sql_mode bit or collation id, a MySQL
 * account that may not set explicit_defaults_for_timestamp), one by one in each setting's forms.
 * Returns what was left out (for a warning); a required setting the target refuses in every form,
 * and a lost connection, fail.
 */
export async function applySessionSettings(connection: PoolConnection, settings: readonly SessionSetting[]): Promise<string[]> {
  if (settings.length === 0) return [];
  try {
    await connection.query(`SET SESSION ${settings.map((s) => s.forms[0]).join(', ')}`);
    return [];
  } catch (error) {
    if (isTransient(error)) throw error;
  }
  const left: string[] = [];
  for (const setting of settings) {
    let taken = -1;
    let refusal: unknown;
    for (const [k, form] of setting.forms.entries()) {
      try {
        await connection.query(`SET SESSION ${form}`);
        taken = k;
        break;
      } catch (error) {
        if (isTransient(error)) throw error;
        refusal = error;
      }
    }
    if (taken < 0 && setting.required === true) throw refused(setting, refusal);
    if (taken < 0) left.push(setting.variable);
    else if (taken > 0) left.push(...(setting.dropped ?? []).map((name) => `${setting.variable} ${name}`));
  }
  return left;
}

function refused(setting: SessionSetting, error: unknown): ScscError {
  const unknownTimeZone = (error as { errno?: number }).errno === UNKNOWN_TIME_ZONE;
  return new ScscError('APPLY_FAILED', `the target refused a setting the source ran this DDL under (SET SESSION ${setting.forms.join(' / ')}): ${(error as Error).message}`, {
    cause: error,
    fix: unknownTimeZone
      ? 'the source ran this DDL in a named time zone the target does not know: load the time zone tables into the target (mariadb-tzinfo-to-sql /usr/share/zoneinfo | mariadb mysql, or mysql_tzinfo_to_sql on MySQL), then restart'
      : 'make the target accept this setting (a server version that knows it, or the privilege to set it), then restart: the DDL is retried from its checkpoint',
  });
}
