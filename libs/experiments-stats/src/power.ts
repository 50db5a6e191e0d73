/**
 * Power and sample size for a two-sample difference in means (normal approximation, known
 * variances; the textbook formula, e.g. Chow, Shao & Wang "Sample Size Calculations", §3.2):
 *
 *   SE = √(σ_C²/n_C + σ_T²/n_T),  z = Φ⁻¹(1 − α/sides),  λ = |δ|/SE
 *   power (two-sided) = Φ(λ − z) + Φ(−λ − z);   power (one-sided, in the direction of δ) = Φ(λ − z)
 *   n_C = (z + Φ⁻¹(power))² · (σ_C² + σ_T²/k) / δ²,  n_T = k·n_C   (k = n_T/n_C)
 *   MDE = (z + Φ⁻¹(power)) · SE
 * The sample-size/MDE formulas ignore the (negligible) opposite tail of the two-sided test, so
 * the power at the returned n is ≥ the target.
 */
import { assertAlpha } from './moments';
import { normalCdf, normalQuantile } from './special';

export interface PowerBase {
  /** Per-unit standard deviation in control. */
  readonly sdControl: number;
  /** Per-unit standard deviation in treatment. Default sdControl. */
  readonly sdTreatment?: number;
  /** Default 0.05. */
  readonly alpha?: number;
  /** 2 (default) for a two-sided test, 1 for one-sided. */
  readonly sides?: 1 | 2;
}

function sds(p: PowerBase): [number, number] {
  const c = p.sdControl;
  const t = p.sdTreatment ?? c;
  if (!(c > 0) || !(t > 0) || !Number.isFinite(c) || !Number.isFinite(t)) {
    throw new RangeError('power: standard deviations must be finite and > 0');
  }
  return [c, t];
}

function criticalZ(p: PowerBase): number {
  const alpha = p.alpha ?? 0.05;
  assertAlpha(alpha, 'power');
  const sides = p.sides ?? 2;
  return normalQuantile(1 - alpha / sides);
}

function zPower(power: number): number {
  if (!(power > 0 && power < 1)) {
    throw new RangeError(`power: target power must be in (0, 1) (got ${power})`);
  }
  return normalQuantile(power);
}

export interface PowerInput extends PowerBase {
  /** True absolute effect μ_T − μ_C. */
  readonly delta: number;
  readonly nControl: number;
  readonly nTreatment: number;
}

/** Probability that the test rejects H0: Δ = 0 when the true difference is `delta`. */
export function powerTwoSample(p: PowerInput): number {
  const [c, t] = sds(p);
  const z = criticalZ(p);
  if (!(p.nControl > 0) || !(p.nTreatment > 0)) {
    throw new RangeError('powerTwoSample: arm sizes must be > 0');
  }
  const lambda = Math.abs(p.delta) / Math.sqrt((c * c) / p.nControl + (t * t) / p.nTreatment);
  const upper = normalCdf(lambda - z);
  return (p.sides ?? 2) === 2 ? upper + normalCdf(-lambda - z) : upper;
}

export interface SampleSizeInput extends PowerBase {
  /** Absolute effect to detect, ≠ 0. */
  readonly delta: number;
  /** Target power. Default 0.8. */
  readonly power?: number;
  /** Allocation ratio k = n_T/n_C. Default 1. */
  readonly ratio?: number;
}

export interface SampleSizeResult {
  /** ⌈n_C⌉ */
  readonly nControl: number;
  /** ⌈n_T⌉ */
  readonly nTreatment: number;
  /** Unrounded n_C from the formula. */
  readonly nControlExact: number;
  /** Unrounded n_T = k·n_C. */
  readonly nTreatmentExact: number;
  readonly total: number;
}

/** Units per arm needed to detect `delta` with the given power. */
export function sampleSizeTwoSample(p: SampleSizeInput): SampleSizeResult {
  const [c, t] = sds(p);
  const k = p.ratio ?? 1;
  if (!(k > 0) || !Number.isFinite(k)) {
    throw new RangeError('sampleSizeTwoSample: ratio must be > 0');
  }
  if (!(Math.abs(p.delta) > 0) || !Number.isFinite(p.delta)) {
    throw new RangeError('sampleSizeTwoSample: delta must be finite and ≠ 0');
  }
  const zSum = criticalZ(p) + zPower(p.power ?? 0.8);
  const nControlExact = (zSum * zSum * (c * c + (t * t) / k)) / (p.delta * p.delta);
  const nTreatmentExact = k * nControlExact;
  // Guard the ceiling against rounding noise (e.g. 392.00000000000006 → 393).
  const ceil = (x: number): number => Math.ceil(x * (1 - 1e-12));
  const nControl = ceil(nControlExact);
  const nTreatment = ceil(nTreatmentExact);
  return { nControl, nTreatment, nControlExact, nTreatmentExact, total: nControl + nTreatment };
}

export interface MdeInput extends PowerBase {
  readonly nControl: number;
  readonly nTreatment: number;
  /** Default 0.8. */
  readonly power?: number;
}

/** Minimum detectable (absolute) effect for the given arm sizes and power. */
export function minimumDetectableEffect(p: MdeInput): number {
  const [c, t] = sds(p);
  if (!(p.nControl > 0) || !(p.nTreatment > 0)) {
    throw new RangeError('minimumDetectableEffect: arm sizes must be > 0');
  }
  return (criticalZ(p) + zPower(p.power ?? 0.8)) * Math.sqrt((c * c) / p.nControl + (t * t) / p.nTreatment);
}
