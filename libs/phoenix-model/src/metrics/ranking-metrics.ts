/**
 * Offline ranking metrics of one request. Contract for undefined cases (stated once, used everywhere):
 * - Recall@K is undefined (null) when |R| = 0: such a user is excluded from the average and counted.
 * - NDCG@K is undefined (null) when IDCG@K = 0 (no item has positive gain, or K = 0): excluded and
 *   counted the same way. It is never reported as 0 or 1.
 * - Fewer than K results count as misses (fixed-K semantics: returning less is never rewarded).
 * - Duplicate ids in `ranked` count once, at their first position.
 */

/** |R ∩ top-K| / |R|, or null when R is empty. */
export function recallAtK(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number,
): number | null {
  if (relevant.size === 0) {
    return null;
  }
  const seen = new Set<string>();
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const id = ranked[i]!;
    if (!seen.has(id)) {
      seen.add(id);
      if (relevant.has(id)) {
        hits += 1;
      }
    }
  }
  return hits / relevant.size;
}

/**
 * NDCG@K with graded gains: DCG = Σ_{i=1..K} (2^rel_i − 1) / log2(i + 1) over the ranked list
 * (unlisted ids have rel 0), divided by the DCG of the ideal order of `gains`. Null when IDCG = 0.
 * For binary relevance pass gain 1 for every relevant id (`binaryGains`).
 */
export function ndcgAtK(
  ranked: readonly string[],
  gains: ReadonlyMap<string, number>,
  k: number,
): number | null {
  const ideal = [...gains.values()].filter((g) => g > 0).sort((a, b) => b - a);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, ideal.length); i++) {
    idcg += (2 ** ideal[i]! - 1) / Math.log2(i + 2);
  }
  if (!(idcg > 0)) {
    return null;
  }
  const seen = new Set<string>();
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const id = ranked[i]!;
    if (seen.has(id)) {
      continue;
    }
    seen.add(id);
    const rel = gains.get(id) ?? 0;
    if (rel > 0) {
      dcg += (2 ** rel - 1) / Math.log2(i + 2);
    }
  }
  return dcg / idcg;
}

/** Gain 1 for every relevant id. */
export function binaryGains(relevant: Iterable<string>): Map<string, number> {
  const gains = new Map<string, number>();
  for (const id of relevant) {
    gains.set(id, 1);
  }
  return gains;
}

/** Mean of the defined values with a normal-approximation 95% half-width; `excluded` counts the nulls. */
export interface MetricSummary {
  readonly mean: number;
  readonly ci95: number;
  readonly n: number;
  readonly excluded: number;
}

export function summarize(values: readonly (number | null)[]): MetricSummary {
  const defined = values.filter((v): v is number => v !== null);
  const n = defined.length;
  if (n === 0) {
    return { mean: Number.NaN, ci95: Number.NaN, n: 0, excluded: values.length };
  }
  const mean = defined.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? defined.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, ci95: 1.96 * Math.sqrt(variance / n), n, excluded: values.length - n };
}
