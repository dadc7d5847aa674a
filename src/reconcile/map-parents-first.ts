import { fkParentsAmong, type TableSchema } from '../core/table-schema.js';

/**
 * Like mapWithLimit, but a table starts only after every table it references by FK (among `tables`)
 * has finished: with FK checks on, a child's rows can only go in once their parents are there.
 * Tables in an FK cycle start when nothing else can (the cycle cannot be ordered; the server decides).
 * After a failure no new table starts, the running ones finish, then the first failure is thrown.
 */
export async function mapParentsFirst<R>(tables: readonly TableSchema[], limit: number, task: (table: TableSchema) => Promise<R>): Promise<R[]> {
  const names = new Set(tables.map((t) => t.name));
  const waitsFor = tables.map((t) => fkParentsAmong(t, names));
  const results = new Array<R>(tables.length);
  const started = new Array<boolean>(tables.length).fill(false);
  const finished = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | undefined;

  return new Promise<R[]>((resolve, reject) => {
    const settle = (): void => {
      if (running > 0) return;
      if (failure !== undefined) reject(failure.error instanceof Error ? failure.error : new Error(String(failure.error)));
      else if (started.every(Boolean)) resolve(results);
    };
    const pump = (): void => {
      while (failure === undefined && running < Math.max(1, limit)) {
        let index = tables.findIndex((_, i) => !started[i] && [...(waitsFor[i] as Set<string>)].every((p) => finished.has(p)));
        if (index === -1 && running === 0) index = started.indexOf(false);
        if (index === -1) break;
        start(index);
      }
      settle();
    };
    const start = (index: number): void => {
      started[index] = true;
      running++;
      const table = tables[index] as TableSchema;
      task(table).then((result) => {
        results[index] = result;
      }, (error: unknown) => {
        failure ??= { error };
      }).finally(() => {
        running--;
        finished.add(table.name);
        pump();
      });
    };
    pump();
  });
}
