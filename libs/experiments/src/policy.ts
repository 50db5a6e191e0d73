/**
 * Pure decision helpers that turn analysis results into the actions a definition prescribes. The
 * statistics themselves (SRM, anytime-valid intervals) come from `@foryou/experiments-stats`; these
 * functions only apply the definition's thresholds and policies to them.
 */
import { classifyNonInferiority, type Interval, type NonInferiorityStatus } from '@foryou/experiments-stats';
import type { ExperimentDefinition, Guardrail, KillSwitchPolicy } from './definition';

export type GuardrailLevel = 'ok' | 'warning' | 'critical';

export interface GuardrailAssessment {
  /**
   * `critical` when the interval lies wholly beyond `critical` on the bad side, `warning` when wholly
   * beyond `warning`, else `ok` (the data must PROVE the degradation: noise alone never kills).
   */
  readonly level: GuardrailLevel;
  /** Ship-decision status against `margin` (`non-inferior` is required to ship). */
  readonly nonInferiority: NonInferiorityStatus;
}

/**
 * Assesses a guardrail from an interval of treatment − control on the guardrail's `scale` (e.g. the
 * running intersection of an mSPRT confidence sequence from `msprtSequence`).
 */
export function assessGuardrail(guardrail: Guardrail, ci: Interval): GuardrailAssessment {
  const beyond = (threshold: number): boolean =>
    classifyNonInferiority(ci, threshold, guardrail.direction).status === 'inferior';
  return {
    level: beyond(guardrail.critical) ? 'critical' : beyond(guardrail.warning) ? 'warning' : 'ok',
    nonInferiority: classifyNonInferiority(ci, guardrail.margin, guardrail.direction).status,
  };
}

export type KillSwitchSignal =
  { readonly kind: 'srm' } | { readonly kind: 'guardrail'; readonly level: GuardrailLevel };
export type KillSwitchAction = 'none' | 'warn' | 'hold' | 'kill';

/**
 * The action the definition prescribes: SRM → `on_srm`; a critical guardrail → `on_guardrail_critical`;
 * a warning guardrail always holds the ramp (book 6.7.8: warning pauses, critical kills).
 */
export function killSwitchAction(policy: KillSwitchPolicy, signal: KillSwitchSignal): KillSwitchAction {
  if (signal.kind === 'srm') {
    return policy.on_srm;
  }
  switch (signal.level) {
    case 'ok':
      return 'none';
    case 'warning':
      return 'hold';
    case 'critical':
      return policy.on_guardrail_critical;
  }
}

/** What the ramp controller observed at the current step. */
export interface RampObservation {
  readonly hoursAtStep: number;
  readonly srmFlagged: boolean;
  readonly guardrailLevels: readonly GuardrailLevel[];
  /** Analysed units per arm (the variants' order does not matter). */
  readonly unitsPerArm: readonly number[];
}

export type RampGateFailure = 'min_duration' | 'srm' | 'guardrail_breach' | 'min_units_per_arm' | 'last_step';

export interface RampGateResult {
  readonly canAdvance: boolean;
  readonly failures: readonly RampGateFailure[];
  /** The next step's percentage (null at the last step). */
  readonly nextPercent: number | null;
}

/** Checks the current step's gates; advancing is a definition change (`ramp.current_step + 1`). */
export function evaluateRampGates(
  definition: ExperimentDefinition,
  observation: RampObservation,
): RampGateResult {
  const { current_step: current, steps } = definition.ramp;
  const step = steps[current];
  const next = steps[current + 1];
  const failures: RampGateFailure[] = [];
  if (!step || !next) {
    failures.push('last_step');
  }
  if (step) {
    const g = step.gates;
    if (observation.hoursAtStep < g.min_duration_hours) {
      failures.push('min_duration');
    }
    if (g.no_srm && observation.srmFlagged) {
      failures.push('srm');
    }
    if (g.no_guardrail_breach && observation.guardrailLevels.some((l) => l !== 'ok')) {
      failures.push('guardrail_breach');
    }
    if (
      g.min_units_per_arm !== undefined &&
      (observation.unitsPerArm.length === 0 || Math.min(...observation.unitsPerArm) < g.min_units_per_arm)
    ) {
      failures.push('min_units_per_arm');
    }
  }
  return { canAdvance: failures.length === 0, failures, nextPercent: next?.percent ?? null };
}
