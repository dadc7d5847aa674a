import type { SingleBar } from 'cli-progress';

export interface TableProgress {
  start(table: string, estimatedRows: number): void;
  advance(table: string, rows: number): void;
  finish(table: string): void;
  stop(): void;
}

const SILENT: TableProgress = { start: () => undefined, advance: () => undefined, finish: () => undefined, stop: () => undefined };

/**
 * One progress bar per table on a terminal (rows hashed or copied, ETA), drawn on stderr; nothing
 * when stderr is not a TTY or output is machine-readable (then the bar library is not even loaded).
 */
export async function createTableProgress(enabled: boolean): Promise<TableProgress> {
  if (!enabled || process.stderr.isTTY !== true) return SILENT;
  const { default: cliProgress } = await import('cli-progress');
  const multibar = new cliProgress.MultiBar({
    stream: process.stderr,
    format: ' {table} |{bar}| {value}/{total} rows | {eta_formatted}',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  const bars = new Map<string, SingleBar>();
  const width = 24;
  return {
    start(table, estimatedRows) {
      bars.set(table, multibar.create(Math.max(1, estimatedRows), 0, { table: table.slice(0, width).padEnd(width) }));
    },
    advance(table, rows) {
      const bar = bars.get(table);
      if (bar === undefined) return;
      const value = (bar.getProgress() * bar.getTotal()) + rows;
      if (value > bar.getTotal()) bar.setTotal(value);
      bar.increment(rows);
    },
    finish(table) {
      const bar = bars.get(table);
      if (bar !== undefined) bar.update(bar.getTotal());
    },
    stop() {
      multibar.stop();
    },
  };
}
