/**
 * Multiple-testing corrections (experiments.md §3; Holm 1979; Benjamini & Hochberg 1995).
 * With the p-values sorted ascending p_(1) ≤ … ≤ p_(m):
 *   Holm (FWER, step-down):  adj_(i) = max_{j≤i} min(1, (m−j+1)·p_(j))
 *   BH (FDR, step-up):       q_(i)   = min_{j≥i} min(1, m·p_(j)/j)
 * Adjusted values are returned in the input order. Tied p-values always receive identical
 * adjusted values (the running max/min makes the result independent of the order of ties).
 * Reject H_i at level α iff adj_i ≤ α (this is exactly Holm's / BH's procedure).
 */

export interface AdjustedPValues {
  /** Adjusted p-values (Holm) or q-values (BH), in the input order. */
  readonly adjusted: number[];
  /** adjusted ≤ alpha. */
  readonly rejected: boolean[];
  readonly alpha: number;
}

function sortedOrder(pValues: readonly number[], name: string): number[] {
  pValues.forEach((p) => {
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`${name}: every p-value must be in [0, 1] (got ${String(p)})`);
    }
  });
  // Array.prototype.sort is stable, so ties keep their input order.
  return pValues.map((_, i) => i).sort((a, b) => (pValues[a] ?? 0) - (pValues[b] ?? 0));
}

function result(adjusted: number[], alpha: number): AdjustedPValues {
  return { adjusted, rejected: adjusted.map((q) => q <= alpha), alpha };
}

/** Holm–Bonferroni step-down adjusted p-values (controls the family-wise error rate). */
export function holm(pValues: readonly number[], alpha: number = 0.05): AdjustedPValues {
  const order = sortedOrder(pValues, 'holm');
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(0);
  let running = 0;
  order.forEach((idx, i) => {
    running = Math.max(running, Math.min(1, (m - i) * (pValues[idx] ?? 1)));
    adjusted[idx] = running;
  });
  return result(adjusted, alpha);
}

/** Benjamini–Hochberg step-up q-values (controls the false discovery rate). */
export function benjaminiHochberg(pValues: readonly number[], alpha: number = 0.05): AdjustedPValues {
  const order = sortedOrder(pValues, 'benjaminiHochberg');
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  for (let i = m - 1; i >= 0; i -= 1) {
    const idx = order[i] ?? 0;
    running = Math.min(running, Math.min(1, (m * (pValues[idx] ?? 1)) / (i + 1)));
    adjusted[idx] = running;
  }
  return result(adjusted, alpha);
}
