/**
 * Negative controls: deliberately broken pipelines that the calibration checks must catch. A check
 * that passes on a broken pipeline proves nothing, so each control names the check that should fail.
 *
 * - `unsalted-assignment` (assignment bug: the experiment seed is not re-salted, as when an
 *   assignment is cached or the salt is dropped). Every run splits the viewers the same way. Caught
 *   by the reshuffle check; the KS test of the p-values is nearly blind to it when units are much
 *   alike (the frozen split only adds a fixed offset that the per-run SE already covers).
 * - `pooled-standard-error` (analysis bug: the pooled per-unit variance divided by the TOTAL number
 *   of units, SE = √(s²/(n_C + n_T)), instead of √(s²(1/n_C + 1/n_T))). The SE is too small by a
 *   factor ≈ 2 for a 50/50 split, so A/A p-values pile up near 0. Caught by the KS test.
 * - `per-exposure-units` (analysis bug: requests treated as independent units — Welch on per-request
 *   values). Correct only when a viewer's requests are uncorrelated; its strength is the design
 *   effect of the world (see the calibration result's `designEffect`).
 */
import { assign, CONTROL, type KillAwareDefinition } from '@foryou/experiments';
import { normalSf, welchTest, type ComparisonResult } from '@foryou/experiments-stats';
import { armOf, type RunAnalysis } from './analysis';
import type { Assigner } from './population';
import type { SimulatedRun } from './run';
import { SALT_SEPARATOR } from './salt';

export const NEGATIVE_CONTROLS = [
  'unsalted-assignment',
  'pooled-standard-error',
  'per-exposure-units',
] as const;
export type NegativeControl = (typeof NEGATIVE_CONTROLS)[number];

/** The real `assign`, but with the salt stripped from the seed: the same split in every run. */
export const unsaltedAssigner: Assigner = (unitId, definitions, context) =>
  assign(
    unitId,
    definitions.map((d): KillAwareDefinition => {
      const cut = d.seed.lastIndexOf(SALT_SEPARATOR);
      return cut < 0 ? d : { ...d, seed: d.seed.slice(0, cut) };
    }),
    context,
  );

/**
 * Two-sided normal p-value of the comparison's absolute difference with the WRONGLY pooled standard
 * error √(s²_pooled/(n_C + n_T)), s²_pooled the (n − 1)-weighted mean of the per-unit variances.
 */
export function pooledStandardErrorPValue(comparison: ComparisonResult): number {
  const { control: c, treatment: t } = comparison;
  const pooled = ((c.n - 1) * c.variance + (t.n - 1) * t.variance) / (c.n + t.n - 2);
  const se = Math.sqrt(pooled / (c.n + t.n));
  const diff = comparison.absolute.estimate;
  if (se === 0) {
    return diff === 0 ? 1 : 0;
  }
  return Math.min(1, 2 * normalSf(Math.abs(diff) / se));
}

/** Welch's test on per-request values (requests as if they were independent units). */
export function perExposureComparison(run: SimulatedRun, alpha = 0.05): ComparisonResult {
  return welchTest(armOf(run, CONTROL).exposureMoments, armOf(run, run.treatmentArm).exposureMoments, {
    alpha,
  });
}

/** Its two-sided p-value. */
export function perExposurePValue(run: SimulatedRun, alpha = 0.05): number {
  return perExposureComparison(run, alpha).absolute.pValue;
}

/** The p-value a pipeline with the given bug reports for a run (`undefined`: the correct one). */
export function reportedPValue(
  run: SimulatedRun,
  analysis: RunAnalysis,
  fault: NegativeControl | undefined,
): number {
  switch (fault) {
    case 'pooled-standard-error':
      return pooledStandardErrorPValue(analysis.comparison);
    case 'per-exposure-units':
      return perExposurePValue(run);
    case 'unsalted-assignment': // an assignment bug: the analysis itself is correct
    case undefined:
      return analysis.pValue;
  }
}
