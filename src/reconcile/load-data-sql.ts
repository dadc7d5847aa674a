import { columnClass } from '../core/column-class.js';
import type { ColumnSchema } from '../core/table-schema.js';
import type { Flavour } from '../mysql/server-info.js';
import { quoteIdentifier } from '../mysql/sql-identifier.js';
import { exactValueSql } from './canonical-row-sql.js';

/*
 * The text form LOAD DATA reads with FIELDS TERMINATED BY TAB ENCLOSED BY '\'' ESCAPED BY '\', LINES
 * TERMINATED BY LF, rendered by the source server itself. Numbers and times hold no special byte
 * and go as they are (NULL as \N). Everything else goes through QUOTE(), which is linear in the
 * value's length (REPLACE() is quadratic on a long value with many matches) and writes exactly an
 * enclosed field: quote and backslash escaped, NUL as \0, TAB and LF as data inside the quotes; a
 * NULL becomes the bare word NULL, which LOAD DATA reads as NULL when fields may be enclosed. The
 * literals below are hex so that no sql_mode (NO_BACKSLASH_ESCAPES) changes their meaning.
 */
const TAB = "X'09'";
export const LINE_SEPARATOR = "X'0A'";
const NULL_FIELD = "X'5C4E'";

/**
 * One field in its exact text form: numbers and times as the server writes them, FLOAT widened to
 * DOUBLE (the shortest text of the same bits), BIT as an integer (loaded through a variable, see
 * loadDataStatement), text as utf8mb4, binary and GEOMETRY as their bytes.
 */
function fieldSql(column: ColumnSchema, flavour: Flavour): string {
  const name = quoteIdentifier(column.name);
  switch (columnClass(column)) {
    case 'integer':
    case 'decimal':
    case 'double':
    case 'float':
    case 'bit':
    case 'year':
    case 'temporal': {
      const text = exactValueSql(column, flavour);
      return column.nullable ? `IFNULL(${text}, ${NULL_FIELD})` : text;
    }
    case 'text':
      return `QUOTE(${column.charset === 'utf8mb4' ? name : `CONVERT(${name} USING utf8mb4)`})`;
    default:
      // binary, geometry, json
      return `QUOTE(${exactValueSql(column, flavour)})`;
  }
}

/** SQL for one row as a LOAD DATA line (without its LF), in `columns` order. */
export function loadDataLineSql(columns: readonly ColumnSchema[], flavour: Flavour): string {
  const fields = columns.map((c) => fieldSql(c, flavour));
  return fields.length === 1 ? (fields[0] as string) : `CONCAT_WS(${TAB}, ${fields.join(', ')})`;
}

/**
 * The target's statement for lines rendered by loadDataLineSql, in `columns` order. The file is
 * utf8mb4 (the server converts to each column's character set; binary columns take the bytes as
 * they are). A BIT field goes through a variable: LOAD DATA would store the digits' bytes.
 */
export function loadDataStatement(from: string, columns: readonly ColumnSchema[]): string {
  const targets: string[] = [];
  const sets: string[] = [];
  columns.forEach((column, i) => {
    const name = quoteIdentifier(column.name);
    if (columnClass(column) === 'bit') {
      targets.push(`@_scsc_${i}`);
      sets.push(`${name} = CAST(@_scsc_${i} AS UNSIGNED)`);
    } else {
      targets.push(name);
    }
  });
  return `LOAD DATA LOCAL INFILE 'scsc-bulk-copy' INTO TABLE ${from} CHARACTER SET utf8mb4
    FIELDS TERMINATED BY ${TAB} ENCLOSED BY X'27' ESCAPED BY X'5C' LINES TERMINATED BY ${LINE_SEPARATOR} (${targets.join(', ')})${sets.length > 0 ? ` SET ${sets.join(', ')}` : ''}`;
}
