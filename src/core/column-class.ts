import type { ColumnSchema } from './table-schema.js';

/**
 * How scsc treats a column's values: each class has one exact text or byte form on the wire, in the
 * canonical hash and in SQL literals.
 */
export type ColumnClass = 'integer' | 'decimal' | 'float' | 'double' | 'bit' | 'temporal' | 'year' | 'text' | 'binary' | 'geometry' | 'json';

const INTEGER = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const TEMPORAL = new Set(['date', 'datetime', 'timestamp', 'time']);
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);
const GEOMETRY = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

export function columnClass(column: Pick<ColumnSchema, 'dataType' | 'json' | 'charset'>): ColumnClass {
  const type = column.dataType;
  if (INTEGER.has(type)) return 'integer';
  if (type === 'decimal' || type === 'numeric') return 'decimal';
  if (type === 'float') return 'float';
  if (type === 'double' || type === 'real') return 'double';
  if (type === 'bit') return 'bit';
  if (type === 'year') return 'year';
  if (TEMPORAL.has(type)) return 'temporal';
  if (GEOMETRY.has(type)) return 'geometry';
  if (column.json) return 'json';
  if (BINARY.has(type) || column.charset === 'binary') return 'binary';
  return 'text';
}
