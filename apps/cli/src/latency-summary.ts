/** Latency percentiles over recorded samples (nearest-rank method, no interpolation). */

export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Nearest-rank percentile of samples sorted ascending: the smallest sample such that at least
 * `p` percent of the samples are ≤ it, i.e. `sorted[ceil(p/100 · n) − 1]` (p = 0 gives the minimum).
 * Always returns one of the samples. Throws on an empty input or p outside [0, 100].
 */
export function nearestRankPercentile(sortedAscending: readonly number[], p: number): number {
  if (!Number.isFinite(p) || p < 0 || p > 100) {
    throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  }
  const n = sortedAscending.length;
  if (n === 0) {
    throw new RangeError('percentile of an empty sample set is undefined');
  }
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sortedAscending[Math.min(rank, n) - 1]!;
}

/** Summarises latency samples (any order; the input is not modified). Undefined when there are none. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary | undefined {
  if (samples.length === 0) {
    return undefined;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    min: sorted[0]!,
    mean: sum / sorted.length,
    p50: nearestRankPercentile(sorted, 50),
    p95: nearestRankPercentile(sorted, 95),
    p99: nearestRankPercentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}
