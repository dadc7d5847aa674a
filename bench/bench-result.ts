/** One line of the benchmark table: scsc and a named peer on the same data in the same run. */
export interface BenchResult {
  name: string;
  scsc: string;
  peer: string;
  /** How many times faster scsc was than the peer (peer time / scsc time). */
  ratio: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
