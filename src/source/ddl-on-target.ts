import { positionKey, type Boundary } from '../core/position.js';
import type { TableSchema } from '../core/table-schema.js';

/** The target's definitions of a DDL's tables just before and just after the applier ran the DDL there. */
export interface TargetDefinitions {
  before: ReadonlyMap<string, TableSchema | undefined>;
  after: ReadonlyMap<string, TableSchema | undefined>;
  /**
   * The DDL is a CREATE TABLE: whether it replaces a table (OR REPLACE), and whether it makes the
   * same table on both servers when it spells the whole definition (no LIKE, no SELECT, databases
   * with the same default character set and collation).
   */
  create?: { replace: boolean; alike: boolean };
  /** CREATE TABLE ... LIKE a replicated table: that table, and its definition on the target before the DDL. */
  like?: { table: string; definition: TableSchema | undefined };
  /** After a RENAME: which table each name held before it (undefined: none of this database's). */
  origins?: ReadonlyMap<string, string | undefined>;
}

/** What wait() gives when the pipeline ended before the applier reached the DDL. */
export const NOT_REACHED = Symbol('not reached');

interface Expected {
  settled: Promise<TargetDefinitions | undefined | typeof NOT_REACHED>;
  settle: (definitions: TargetDefinitions | undefined | typeof NOT_REACHED) => void;
}

/**
 * Hands a DDL, as the target ran it, from the applier to the binlog stream that read the DDL (with
 * --ddl apply). Without FULL row metadata, the rows after a DDL are decoded with definitions scsc
 * reads; when the source has changed a table again since (a backlog), the source's definitions are
 * too new, but a target that matched the source before the DDL holds, right after running it, the
 * definitions the DDL left. The stream expects a DDL by where it ends before the DDL event goes out,
 * waits for it while it holds the binlog socket, and forgets it after; the applier settles it once
 * it ran the DDL (or skips it: undefined). close() ends every wait when the pipeline has ended.
 */
export class DdlOnTarget {
  private readonly expected = new Map<string, Expected>();
  private closed = false;

  expect(end: Boundary): void {
    let settle: Expected['settle'] = () => undefined;
    const settled = new Promise<TargetDefinitions | undefined | typeof NOT_REACHED>((resolve) => (settle = resolve));
    if (this.closed) settle(NOT_REACHED);
    this.expected.set(positionKey(end), { settled, settle });
  }

  /** Whether the stream waits for this DDL (the applier reads the target around it only then). */
  expects(end: Boundary | undefined): boolean {
    return end !== undefined && this.expected.has(positionKey(end));
  }

  settle(end: Boundary | undefined, definitions: TargetDefinitions | undefined): void {
    if (end !== undefined) this.expected.get(positionKey(end))?.settle(definitions);
  }

  /** The target's definitions around this DDL once the applier ran it; undefined when it was not expected or was skipped; NOT_REACHED after close(). */
  async wait(end: Boundary): Promise<TargetDefinitions | undefined | typeof NOT_REACHED> {
    return this.expected.get(positionKey(end))?.settled;
  }

  forget(end: Boundary): void {
    this.expected.delete(positionKey(end));
  }

  /** The pipeline ended: no DDL still expected will be run. */
  close(): void {
    this.closed = true;
    for (const entry of this.expected.values()) entry.settle(NOT_REACHED);
  }
}
