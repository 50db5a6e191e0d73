import {
  assessGuardrail,
  type Analysis,
  type Guardrail,
  type GuardrailAssessment,
} from '@foryou/experiments';
import type { QuantileArm } from '@foryou/experiments-store';
import {
  armEstimate,
  compareArms,
  msprt,
  normalQuantile,
  ratioArmEstimate,
  type ArmEstimate,
  type BivariateMoments,
  type Interval,
  type SequentialLook,
  type UnivariateMoments,
} from '@foryou/experiments-stats';

/**
 * Pure guardrail evaluation: the effect of one treatment arm against control on the guardrail's scale
 * (`absolute`: treatment − control; `relative`: (treatment − control)/|control|), its anytime-valid
 * interval (the mSPRT confidence sequence with the definition's α and N*), and the level
 * `assessGuardrail` gives it. A look that cannot be computed says why (`reason`), it is never dropped.
 *
 * The interval is the confidence sequence AT THIS LOOK. Its coverage holds simultaneously over every
 * look (that is what anytime-valid means), so a monitor may look every 30 s without inflating α; the
 * running intersection over looks would be narrower but needs state across restarts, and this one is
 * valid on its own.
 */

/** The effect at one look, or why there is none. */
export type EffectLook =
  | {
      readonly ok: true;
      readonly look: SequentialLook;
      /** The arms' values of the metric (rate, mean or quantile). */
      readonly control: number;
      readonly treatment: number;
    }
  | { readonly ok: false; readonly reason: string };

export type Scale = Guardrail['scale'];

function fromComparison(control: ArmEstimate, treatment: ArmEstimate, scale: Scale): EffectLook {
  const c = compareArms(control, treatment);
  const effect = scale === 'absolute' ? c.absolute : c.relative;
  if (effect === null) {
    return { ok: false, reason: 'the control value is 0, so a relative effect is undefined' };
  }
  return {
    ok: true,
    look: { estimate: effect.estimate, variance: effect.se ** 2, n: c.nTotal },
    control: control.mean,
    treatment: treatment.mean,
  };
}

function enoughUnits(counts: readonly number[], minUnitsPerArm: number): string | null {
  return counts.every((n) => n >= minUnitsPerArm)
    ? null
    : `too few units (control ${counts[0]}, treatment ${counts[1]}; each arm needs ≥ ${minUnitsPerArm})`;
}

/** A ratio metric (Σ numerator / Σ denominator per arm, the unit as the cluster, delta method). */
export function ratioEffect(
  control: BivariateMoments,
  treatment: BivariateMoments,
  scale: Scale,
  minUnitsPerArm: number,
): EffectLook {
  const short = enoughUnits([control.n, treatment.n], minUnitsPerArm);
  if (short !== null) {
    return { ok: false, reason: short };
  }
  if (control.sumX <= 0 || treatment.sumX <= 0) {
    return { ok: false, reason: 'an arm has no denominator (no exposed requests)' };
  }
  return fromComparison(ratioArmEstimate(control), ratioArmEstimate(treatment), scale);
}

/** A per-unit mean (Welch). */
export function meanEffect(
  control: UnivariateMoments,
  treatment: UnivariateMoments,
  scale: Scale,
  minUnitsPerArm: number,
): EffectLook {
  const short = enoughUnits([control.n, treatment.n], minUnitsPerArm);
  if (short !== null) {
    return { ok: false, reason: short };
  }
  return fromComparison(armEstimate(control), armEstimate(treatment), scale);
}

/**
 * A quantile of a serving signal. Each arm's standard error is backed out of its order-statistic
 * interval at level 1 − `alpha` (which `servingQuantile` computed with the unit as the cluster):
 * se = (upper − lower)/(2·z_{1−α/2}), as GrowthBook's `QuantileStatistic` does; the two arms are
 * independent, so Var(q̂_T − q̂_C) = se_T² + se_C² (relative: the delta method).
 */
export function quantileEffect(
  control: QuantileArm,
  treatment: QuantileArm,
  scale: Scale,
  alpha: number,
  minUnitsPerArm: number,
): EffectLook {
  const short = enoughUnits([control.units, treatment.units], minUnitsPerArm);
  if (short !== null) {
    return { ok: false, reason: short };
  }
  const z = normalQuantile(1 - alpha / 2);
  const arm = (a: QuantileArm, name: string): { q: number; v: number } | string => {
    if (a.estimate === null || a.lower === null || a.upper === null || !a.bounded) {
      return `too few ${name} requests for an interval of the quantile`;
    }
    return { q: a.estimate, v: ((a.upper - a.lower) / (2 * z)) ** 2 };
  };
  const c = arm(control, 'control');
  const t = arm(treatment, 'treatment');
  if (typeof c === 'string') {
    return { ok: false, reason: c };
  }
  if (typeof t === 'string') {
    return { ok: false, reason: t };
  }
  const n = control.units + treatment.units;
  if (scale === 'absolute') {
    return { ok: true, look: { estimate: t.q - c.q, variance: t.v + c.v, n }, control: c.q, treatment: t.q };
  }
  if (c.q === 0) {
    return { ok: false, reason: 'the control quantile is 0, so a relative effect is undefined' };
  }
  const variance = t.v / c.q ** 2 + (t.q ** 2 * c.v) / c.q ** 4;
  return {
    ok: true,
    look: { estimate: (t.q - c.q) / Math.abs(c.q), variance, n },
    control: c.q,
    treatment: t.q,
  };
}

export interface GuardrailVerdict extends GuardrailAssessment {
  readonly estimate: number;
  /** The (1 − α) anytime-valid confidence sequence of the effect at this look. */
  readonly ci: Interval;
  /** Units in the comparison (both arms). */
  readonly n: number;
}

/** The anytime-valid interval of `look` (definition's α and mSPRT N*) and the guardrail's level. */
export function assessLook(guardrail: Guardrail, look: SequentialLook, analysis: Analysis): GuardrailVerdict {
  const sequential = msprt(look, { alpha: analysis.alpha, mixing: { nStar: analysis.sequential.n_star } });
  return {
    ...assessGuardrail(guardrail, sequential.ci),
    estimate: look.estimate,
    ci: sequential.ci,
    n: look.n,
  };
}
