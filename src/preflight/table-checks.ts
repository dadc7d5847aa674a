import type { SchemaDiff } from '../core/schema-diff.js';
import { isScscTable } from '../core/table-filter.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { rowIdentityKey, type TableSchema } from '../core/table-schema.js';
import { WRITING_INTENTS, severityFor, type Finding, type Intent, type ServerRole } from './finding.js';

/**
 * Column types scsc reads, hashes, streams and writes exactly; anything else is refused up front.
 * MariaDB's INET4 (10.10+) and VECTOR are left out until their binlog decoding is proven exact.
 */
export const CARRIED_TYPES = new Set([
  'tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric', 'float', 'double', 'real', 'bit',
  'date', 'datetime', 'timestamp', 'time', 'year',
  'char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext',
  'binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob',
  'enum', 'set', 'json', 'uuid', 'inet6',
  'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon',
  'geometrycollection', 'geomcollection',
]);

/** Per-table findings of one server: a usable row key, carried column types. */
export function tableFindings(tables: TableSchema[], role: ServerRole): Finding[] {
  const findings: Finding[] = [];
  for (const table of tables) {
    if (isScscTable(table.name)) continue;
    if (rowIdentityKey(table) === undefined) {
      findings.push({
        check: 'table.no-key', severity: 'blocker', server: role, table: table.name,
        message: 'no primary key and no NOT NULL unique key: rows cannot be addressed one by one',
        fix: `add a primary key, e.g. ALTER TABLE ${quoteIdentifier(table.name)} ADD COLUMN _scsc_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, or exclude the table`,
      });
    }
    const unknown = table.columns.filter((c) => !CARRIED_TYPES.has(c.dataType));
    if (unknown.length > 0) {
      findings.push({
        check: 'table.unsupported-type', severity: 'blocker', server: role, table: table.name,
        message: `column type scsc cannot carry: ${unknown.map((c) => `${c.name} ${c.columnType}`).join(', ')}`,
        fix: 'exclude the table (--exclude) or change the column to a supported type',
      });
    }
  }
  return findings;
}

/** Findings from comparing source and target tables of the same name. */
export function schemaDiffFindings(diff: SchemaDiff, intent: Intent): Finding[] {
  const writes = severityFor(intent, WRITING_INTENTS);
  const findings: Finding[] = [];
  for (const pair of diff.common) {
    for (const d of pair.differences) {
      const base = { server: 'both' as const, table: pair.name };
      switch (d.kind) {
        case 'missing-on-target': {
          const generated = pair.source.columns.find((c) => c.name === d.column)?.generated !== undefined;
          findings.push({ ...base, check: 'schema.column-missing', severity: generated ? 'info' : writes,
            message: `column ${d.column} (${d.source}) exists on the source but not on the target${generated ? ' (generated: never written, so not needed there)' : ''}`,
            ...(generated ? {} : { fix: `ALTER TABLE ${quoteIdentifier(pair.name)} ADD COLUMN ${quoteIdentifier(d.column)} ${d.source} on the target` }) });
          break;
        }
        case 'collation': {
          const isKey = pair.source.primaryKey.some((k) => k.toLowerCase() === d.column.toLowerCase());
          findings.push({ ...base, check: 'schema.collation', severity: isKey ? writes : 'warning',
            message: `column ${d.column}: collation differs (source ${d.source}, target ${d.target})${isKey ? ': key ranges and key equality would differ, sync refuses the table' : ': uniqueness and comparisons may differ on the target'}`,
            fix: `ALTER TABLE ${quoteIdentifier(pair.name)} MODIFY ${quoteIdentifier(d.column)} ... COLLATE ${d.source} on the target` });
          break;
        }
        case 'extra-on-target': {
          const column = pair.target.columns.find((c) => c.name === d.column);
          const needsValue = column !== undefined && !column.nullable && column.defaultValue === undefined && column.generated === undefined && !column.autoIncrement;
          findings.push({ ...base, check: 'schema.column-extra', severity: needsValue ? writes : 'info',
            message: `column ${d.column} exists only on the target${needsValue ? ' and is NOT NULL without a default: inserts will fail' : ' (left as it is)'}`,
            ...(needsValue ? { fix: `give ${quoteIdentifier(d.column)} a default or make it NULL on the target` } : {}) });
          break;
        }
        case 'primary-key':
          findings.push({ ...base, check: 'schema.key-differs', severity: writes,
            message: `primary key differs: source (${d.source || 'none'}), target (${d.target || 'none'})`,
            fix: 'give both tables the same primary key' });
          break;
        default:
          findings.push({ ...base, check: `schema.${d.kind}`, severity: 'warning',
            message: `column ${d.column}: ${d.kind} differs (source ${d.source}, target ${d.target})`,
            fix: 'align the column definitions, or values may be converted or rejected on write' });
      }
    }
  }
  for (const table of diff.onlyOnSource) {
    findings.push({ check: 'schema.table-missing', severity: 'info', server: 'target', table: table.name,
      message: 'table exists on the source only', fix: 'sync --create-missing or the initial snapshot creates it' });
  }
  for (const table of diff.onlyOnTarget) {
    findings.push({ check: 'schema.table-extra', severity: 'info', server: 'target', table: table.name, message: 'table exists on the target only (left alone)' });
  }
  return findings;
}
