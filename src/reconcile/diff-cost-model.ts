/**
 * How the diff spends its work, from what the chunks compared so far showed.
 *
 * Costs are counted in rows the servers send: a bucket's (count, hash) or a row's (key, digest) cost
 * about the same to produce and to read. Hashing a range of n rows in buckets of B rows sends n/B
 * buckets, then every row of a differing bucket: with d differences per row about n·d·B rows. The
 * sum is lowest at B = 1/sqrt(d), where it is 2·n·sqrt(d); once that is more than half of n (d above
 * 1/16) buckets save too little and the rows are compared directly.
 */

/**
 * Differences per row in the last chunk from which the next chunk is compared row by row at once,
 * without hashing it first: a single-column integer key as one list of row digests a side
 * (compareDigestLists), other keys as a row of key and digest per row. The servers' work decides
 * here, not the rows sent. A digest list costs a server what hashing the chunk whole costs, buckets
 * of an integer key a quarter more (MariaDB aggregates a GROUP BY on an expression of the key through
 * a temporary table), and bisecting other keys hashes every row once per level, with a CASE over the
 * split keys on each. The list sends more bytes, 25 a row against about 70·sqrt(d) for buckets:
 * below this density, where that is over 6 times as many, the chunk is hashed in parts.
 */
export const LIST_DRIFT = 1 / 256;

/** Differences per row above which a range is compared row by row without hashing it first. */
export const DENSE_DRIFT = 1 / 16;

/** Rows per bucket that send the fewest rows in all for a drift density (at least 2). */
export function rowsPerBucket(density: number): number {
  return density <= 0 ? Number.POSITIVE_INFINITY : Math.max(2, 1 / Math.sqrt(density));
}

/**
 * The density of differences that makes `differing` of `buckets` non-empty buckets of about `rows`
 * rows each differ (differences spread at random: a bucket is equal with probability e^(-d·rows)).
 */
export function densityFromBuckets(differing: number, buckets: number, rows: number): number {
  if (differing === 0 || buckets === 0) return 0;
  const share = Math.min(differing / buckets, 1 - 1 / (2 * buckets));
  return -Math.log(1 - share) / Math.max(1, rows);
}

export type ChunkPlan = 'hash-first' | 'buckets' | 'rows';

/**
 * What the last chunk compared showed, as the guess for the next one (drift tends to come in
 * regions: a bulk update, a restore, a time range): while chunks are equal a chunk is hashed whole
 * first (one small answer); after one that differed that hash would be wasted work, so the next goes
 * straight to buckets, or to a row-by-row comparison when the drift was at least LIST_DRIFT.
 */
export class DriftEstimate {
  private lastDensity = 0;
  private rowsSeen = 0;
  private widthSeen = 0;

  /** Differences per row in the last chunk compared (0 before any). */
  get density(): number {
    return this.lastDensity;
  }

  /** Rows per key value in the chunks seen (integer keys), or `fallback` before any. */
  rowsPerKeyValue(fallback: number): number {
    return this.rowsSeen === 0 || this.widthSeen === 0 ? fallback : this.rowsSeen / this.widthSeen;
  }

  record(chunk: { rows: number; differences: number; width?: number }): void {
    this.lastDensity = chunk.differences / Math.max(1, chunk.rows);
    if (chunk.width !== undefined && chunk.width > 0) {
      this.rowsSeen += chunk.rows;
      this.widthSeen += chunk.width;
    }
  }

  planChunk(): ChunkPlan {
    if (this.lastDensity === 0) return 'hash-first';
    return this.lastDensity >= LIST_DRIFT ? 'rows' : 'buckets';
  }
}
