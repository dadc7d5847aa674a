import type { ChangeEvent, ChangeKind, RowImage } from '../core/change-event.js';
import type { Boundary, Position } from '../core/position.js';
import type { RowValue } from '../core/row-value.js';
import type { PackedRow } from './binlog-row-reader.js';
import { changeKeys, keyOfImage } from './binlog-row-decoder.js';

/**
 * A row change whose full images are still binlog bytes (PackedRow): `before`, `after`, `key` and
 * `newKey` read them on each access, so a change waiting in a lane holds a few numbers and a
 * reference to its event's bytes instead of a row object and a string per value. Read each image
 * once and keep it where it is used more than once. JSON.stringify gives the plain ChangeEvent
 * (toJSON); a spread copy (`{ ...change }`) would lose the images.
 */
export class PackedRowChange implements ChangeEvent {
  fkChecksOff?: true;

  constructor(
    readonly kind: ChangeKind,
    readonly db: string,
    readonly table: string,
    readonly position: Position,
    readonly resumeFrom: Boundary,
    readonly origin: number,
    readonly commitTime: number,
    readonly bytes: number,
    /** The before image, packed (statements read only its key from it, unless an FK cascade needs the whole image). */
    readonly packedBefore: PackedRow | undefined,
    /** The after image, packed (statements read its key and its VALUES tuple from it). */
    readonly packedAfter: PackedRow | undefined,
    private readonly keyColumns: readonly string[],
  ) {}

  get before(): RowImage | undefined {
    return this.packedBefore?.image();
  }

  get after(): RowImage | undefined {
    return this.packedAfter?.image();
  }

  get key(): RowValue[] {
    const packed = this.packedBefore ?? this.packedAfter;
    return packed === undefined ? [] : keyOfImage(packed.image(), this.keyColumns);
  }

  /** Only when an update changes the key. */
  get newKey(): RowValue[] | undefined {
    if (this.packedBefore === undefined || this.packedAfter === undefined) return undefined;
    return changeKeys(this.packedBefore.image(), this.packedAfter.image(), this.keyColumns).newKey;
  }

  /** The same change at another place in the stream (an XA transaction's rows move to its XA COMMIT). */
  placed(position: Position, resumeFrom: Boundary, origin: number, commitTime: number): PackedRowChange {
    const change = new PackedRowChange(this.kind, this.db, this.table, position, resumeFrom, origin, commitTime, this.bytes, this.packedBefore, this.packedAfter, this.keyColumns);
    if (this.fkChecksOff === true) change.fkChecksOff = true;
    return change;
  }

  /** The plain ChangeEvent (each image read once). */
  toJSON(): ChangeEvent {
    const before = this.packedBefore?.image();
    const after = this.packedAfter?.image();
    const { key, newKey } = changeKeys(before, after, this.keyColumns);
    return {
      kind: this.kind, db: this.db, table: this.table, position: this.position, resumeFrom: this.resumeFrom,
      origin: this.origin, commitTime: this.commitTime, bytes: this.bytes,
      ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }), key,
      ...(newKey === undefined ? {} : { newKey }), ...(this.fkChecksOff === true ? { fkChecksOff: true as const } : {}),
    };
  }
}
