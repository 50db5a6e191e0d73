/** Experiment health checks (experiments.md §1 "Health checks"). */

export interface ArmSampleCheck {
  readonly arm: number;
  readonly n: number;
  /** max(0, required − n). */
  readonly shortfall: number;
  readonly ok: boolean;
}

export interface MinimumSampleResult {
  readonly required: number;
  readonly arms: ArmSampleCheck[];
  /** Every arm has n ≥ required. */
  readonly ok: boolean;
  /** Index of the smallest arm (−1 when there are no arms). */
  readonly smallestArm: number;
}

/**
 * Minimum sample per arm: every arm must have at least `required` units (e.g. the per-arm n
 * from {@link sampleSizeTwoSample}). Returns the shortfall of each arm.
 */
export function checkMinimumSample(armSizes: readonly number[], required: number): MinimumSampleResult {
  if (!(required >= 0) || !Number.isFinite(required)) {
    throw new RangeError('checkMinimumSample: required must be a finite number ≥ 0');
  }
  const arms = armSizes.map((n, arm) => {
    if (!(n >= 0) || !Number.isFinite(n)) {
      throw new RangeError(`checkMinimumSample: arm ${arm} size must be finite and ≥ 0`);
    }
    return { arm, n, shortfall: Math.max(0, required - n), ok: n >= required };
  });
  let smallestArm = -1;
  arms.forEach((a) => {
    if (smallestArm < 0 || a.n < (arms[smallestArm]?.n ?? Number.POSITIVE_INFINITY)) {
      smallestArm = a.arm;
    }
  });
  return { required, arms, ok: arms.every((a) => a.ok), smallestArm };
}

export interface MultipleExposureInput {
  /** Distinct units exposed to the experiment, INCLUDING those that saw more than one arm. */
  readonly unitsExposed: number;
  /** Distinct units exposed to more than one arm. */
  readonly unitsMultipleExposed: number;
}

export interface MultipleExposureOptions {
  /** Unhealthy when rate ≥ threshold. Default 0.01 (GrowthBook). */
  readonly threshold?: number;
  /** Judged only when unitsExposed ≥ minUnits. Default 10 (GrowthBook). */
  readonly minUnits?: number;
}

export interface MultipleExposureResult {
  /** unitsMultipleExposed / unitsExposed (0 when no unit was exposed). */
  readonly rate: number;
  readonly threshold: number;
  readonly judged: boolean;
  /** judged and rate ≥ threshold. */
  readonly unhealthy: boolean;
}

/** Multiple-exposure (crossover) rate: share of exposed units that saw more than one arm. */
export function checkMultipleExposure(
  input: MultipleExposureInput,
  options: MultipleExposureOptions = {},
): MultipleExposureResult {
  const threshold = options.threshold ?? 0.01;
  const minUnits = options.minUnits ?? 10;
  const { unitsExposed, unitsMultipleExposed } = input;
  if (
    !Number.isFinite(unitsExposed) ||
    !Number.isFinite(unitsMultipleExposed) ||
    unitsMultipleExposed < 0 ||
    unitsMultipleExposed > unitsExposed
  ) {
    throw new RangeError('checkMultipleExposure: need 0 ≤ unitsMultipleExposed ≤ unitsExposed');
  }
  const rate = unitsExposed > 0 ? unitsMultipleExposed / unitsExposed : 0;
  const judged = unitsExposed >= minUnits;
  return { rate, threshold, judged, unhealthy: judged && rate >= threshold };
}
