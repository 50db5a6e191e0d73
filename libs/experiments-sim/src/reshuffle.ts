/**
 * The reshuffle check: re-salting must redraw the split. Two runs with independent salts put a unit
 * that both analyse in the same arm with probability π = Σ w_k² (normalised weights; a ramp shrinks
 * every variant's range by the same factor, so π also holds for units inside the ramp of both runs).
 * Over DISJOINT run pairs (0, 1), (2, 3), … the agreements are independent, hence
 * Binomial(trials, π), and the exact two-sided binomial test applies. An assignment that ignores the
 * salt agrees 100 %.
 */
import { binomialTwoSidedP } from './binomial';

export interface ReshuffleSummary {
  /** Disjoint run pairs compared. */
  readonly pairs: number;
  /** Units analysed in both runs of a pair, summed over pairs. */
  readonly trials: number;
  /** Of those, units in the same arm in both runs. */
  readonly agreements: number;
  /** Expected agreement rate Σ w_k² under independent re-salted hashes. */
  readonly expectedRate: number;
  /** agreements / trials (NaN without a trial). */
  readonly rate: number;
  /** Exact two-sided binomial p of the agreements (1 when there is no trial). */
  readonly pValue: number;
}

/** Units analysed in both runs (arm index ≥ 0 in both), and how many are in the same arm in both. */
export function compareSplits(a: Int8Array, b: Int8Array): { trials: number; agreements: number } {
  if (a.length !== b.length) {
    throw new RangeError(`compareSplits: populations differ in size (${a.length} vs ${b.length})`);
  }
  let trials = 0;
  let agreements = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x >= 0 && y >= 0) {
      trials += 1;
      if (x === y) {
        agreements += 1;
      }
    }
  }
  return { trials, agreements };
}

/** Takes the runs' splits (`SimulatedRun.unitArms`) in run order and pairs them (0, 1), (2, 3), … */
export class ReshuffleAccumulator {
  private pending: Int8Array | null = null;
  private pairs = 0;
  private trials = 0;
  private agreements = 0;

  /** @param weights the variant weights (any scale), in the order of the arm indices. */
  constructor(private readonly weights: readonly number[]) {}

  add(unitArms: Int8Array): void {
    if (this.pending === null) {
      this.pending = unitArms;
      return;
    }
    const c = compareSplits(this.pending, unitArms);
    this.pairs += 1;
    this.trials += c.trials;
    this.agreements += c.agreements;
    this.pending = null;
  }

  summary(): ReshuffleSummary {
    const total = this.weights.reduce((s, w) => s + w, 0);
    const expectedRate = this.weights.reduce((s, w) => s + (w / total) ** 2, 0);
    return {
      pairs: this.pairs,
      trials: this.trials,
      agreements: this.agreements,
      expectedRate,
      rate: this.trials === 0 ? Number.NaN : this.agreements / this.trials,
      pValue: binomialTwoSidedP(this.trials, expectedRate, this.agreements),
    };
  }
}
