import { appendFileSync, createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Statement text held in memory per spool before it moves to a temporary file. */
const MEMORY_CHARS = 8 << 20;

const spoolDirs = new Set<string>();
let cleanupRegistered = false;

/**
 * The statements a run plans for --print-sql, in order, without holding them all in memory: past a
 * few megabytes they move to a temporary file (one JSON string per line), read back when printed
 * and removed when the process exits. A dry-run copy of a large table plans its whole content.
 */
export class SqlSpool {
  private held: string[] = [];
  private heldChars = 0;
  private file: string | undefined;
  private spilled = 0;

  /** `header` (the session settings) goes first, once, when there is a statement at all. */
  constructor(private readonly header?: string) {}

  get length(): number {
    return this.spilled + this.held.length;
  }

  push(sql: string): void {
    if (this.length === 0 && this.header !== undefined) this.append(this.header);
    this.append(sql);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<string> {
    if (this.file !== undefined) {
      for await (const line of createInterface({ input: createReadStream(this.file, 'utf8'), crlfDelay: Infinity })) yield JSON.parse(line) as string;
    }
    yield* this.held;
  }

  /** In JSON: the statements when they are all in memory (a spilled spool is written by writeSyncOutput). */
  toJSON(): string[] | string {
    return this.file === undefined ? this.held : `${this.length} statements`;
  }

  private append(sql: string): void {
    this.held.push(sql);
    this.heldChars += sql.length;
    if (this.heldChars >= MEMORY_CHARS) this.spill();
  }

  private spill(): void {
    if (this.file === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'scsc-sql-'));
      spoolDirs.add(dir);
      registerCleanup();
      this.file = join(dir, 'statements.jsonl');
    }
    appendFileSync(this.file, `${this.held.map((sql) => JSON.stringify(sql)).join('\n')}\n`);
    this.spilled += this.held.length;
    this.held = [];
    this.heldChars = 0;
  }
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.on('exit', () => {
    for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true });
  });
}
