/**
 * A change signature of the source: `binlog` is the server's binlog position (GTID position plus
 * file:offset when readable), `content` a checksum per selected table. Equal signatures mean the
 * selected tables have not changed; the comparison errs on the side of "changed".
 */
export type Signature =
  | { detector: 'binlog'; position: string }
  | { detector: 'content'; tables: Record<string, string> };

const LISTED = 10;

/**
 * Why `current` differs from `previous`, or undefined when they are equal. A signature of another
 * detector (auto switched between binlog and content) always counts as a change.
 */
export function describeSignatureChange(previous: Signature, current: Signature): string | undefined {
  if (previous.detector === 'binlog' && current.detector === 'binlog') {
    return previous.position === current.position ? undefined : `binlog position moved from ${previous.position} to ${current.position}`;
  }
  if (previous.detector === 'content' && current.detector === 'content') {
    const names = [...new Set([...Object.keys(previous.tables), ...Object.keys(current.tables)])].sort();
    const changed = names.filter((name) => previous.tables[name] !== current.tables[name]);
    if (changed.length === 0) return undefined;
    const label = (name: string): string =>
      previous.tables[name] === undefined ? `${name} (new)` : current.tables[name] === undefined ? `${name} (gone)` : name;
    const shown = changed.slice(0, LISTED).map(label).join(', ');
    return `content of ${changed.length} table${changed.length > 1 ? 's' : ''} changed: ${shown}${changed.length > LISTED ? ', ...' : ''}`;
  }
  return `detector switched from ${previous.detector} to ${current.detector}`;
}
