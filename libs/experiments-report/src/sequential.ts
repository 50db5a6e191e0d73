/**
 * Anytime-valid views of a comparison over time, from the daily cumulative looks: the mSPRT confidence
 * sequences of experiments-stats (`msprtSequence`, normal mixture with the definition's N*), their
 * running intersection for guardrails (`assessGuardrail`, `killSwitchAction`), and the cumulative-lift
 * series of the primary metric.
 */
import {
  assessGuardrail,
  killSwitchAction,
  type ExperimentDefinition,
  type Guardrail,
} from '@foryou/experiments';
import {
  classifyNonInferiority,
  msprtSequence,
  type ComparisonResult,
  type EffectEstimate,
  type SequentialLook,
} from '@foryou/experiments-stats';
import { compareMetric, cumulativeAsInput, effect, finite } from './compare';
import type { CumulativeInput } from './inputs';
import type { CumulativePoint, CumulativeSeries, GuardrailResult } from './types';

export type Scale = 'absolute' | 'relative';

/** The effect on a scale (null when it is not defined, e.g. a relative lift over a control mean of 0). */
export function effectOn(result: ComparisonResult, scale: Scale): EffectEstimate | null {
  const e = scale === 'relative' ? result.relative : result.absolute;
  return e !== null && Number.isFinite(e.estimate) && Number.isFinite(e.se) ? e : null;
}

/** A sequential look of an effect: θ̂, V = SE², n = units in both arms. */
export function lookOf(result: ComparisonResult, scale: Scale): SequentialLook | null {
  const e = effectOn(result, scale);
  return e === null ? null : { estimate: e.estimate, variance: e.se * e.se, n: result.nTotal };
}

export interface DailyComparison {
  readonly day: string;
  readonly nControl: number;
  readonly nTreatment: number;
  readonly result: ComparisonResult | null;
}

/** Treatment (index t) vs control (index c) at each daily cumulative look of the ITT population. */
export function dailyComparisons(
  cumulative: CumulativeInput,
  kind: 'ratio' | 'mean',
  arms: readonly string[],
  c: number,
  t: number,
  alpha: number,
): DailyComparison[] {
  return cumulative.days.map((day, d) => {
    const raw = compareMetric(cumulativeAsInput(kind, cumulative.itt[d] ?? []), 'itt', arms, c, t, alpha);
    return { day, nControl: raw.control.n, nTreatment: raw.treatment.n, result: raw.result };
  });
}

/**
 * A guardrail judged on the running intersection of the anytime-valid confidence sequences over its
 * looks (a single look for quantiles): level (`assessGuardrail`), non-inferiority against the margin,
 * and the kill-switch action.
 */
export function guardrailResult(
  guardrail: Guardrail,
  looks: readonly SequentialLook[],
  definition: Pick<ExperimentDefinition, 'analysis' | 'kill_switch'>,
): GuardrailResult {
  const base = {
    scale: guardrail.scale,
    margin: guardrail.margin,
    warning: guardrail.warning,
    critical: guardrail.critical,
    looks: looks.length,
  };
  if (looks.length === 0) {
    return {
      ...base,
      interval: [null, null],
      alwaysValidP: null,
      level: null,
      nonInferiority: null,
      deteriorated: null,
      action: 'none',
      note: 'no computable look yet',
    };
  }
  const sequence = msprtSequence(looks, {
    alpha: definition.analysis.alpha,
    mixing: { nStar: definition.analysis.sequential.n_star },
  });
  const last = sequence[sequence.length - 1]!;
  const interval = last.runningCi;
  const empty = interval[0] > interval[1];
  const assessment = assessGuardrail(guardrail, interval);
  const level = empty ? null : assessment.level;
  return {
    ...base,
    interval: [finite(interval[0]), finite(interval[1])],
    alwaysValidP: finite(last.alwaysValidPValue),
    level,
    nonInferiority: empty ? null : assessment.nonInferiority,
    deteriorated: empty
      ? null
      : classifyNonInferiority(interval, guardrail.margin, guardrail.direction).deteriorated,
    action: level === null ? 'none' : killSwitchAction(definition.kill_switch, { kind: 'guardrail', level }),
    note: empty ? 'the confidence sequences of successive looks do not intersect: check the data' : null,
  };
}

/**
 * The cumulative lift of a metric (relative, or absolute when a control mean is 0) at each daily look,
 * with the fixed-horizon CI of that look and the running anytime-valid confidence sequence.
 */
export function cumulativeSeries(
  metric: string,
  treatment: string,
  daily: readonly DailyComparison[],
  definition: Pick<ExperimentDefinition, 'analysis'>,
): CumulativeSeries {
  const computable = daily.filter((d) => d.result !== null);
  const scale: Scale = computable.every((d) => d.result !== null && effectOn(d.result, 'relative') !== null)
    ? 'relative'
    : 'absolute';
  const looks: { day: DailyComparison; look: SequentialLook }[] = [];
  for (const d of computable) {
    const look = d.result === null ? null : lookOf(d.result, scale);
    if (look !== null) {
      looks.push({ day: d, look });
    }
  }
  const sequence = msprtSequence(
    looks.map((l) => l.look),
    { alpha: definition.analysis.alpha, mixing: { nStar: definition.analysis.sequential.n_star } },
  );
  const points: CumulativePoint[] = looks.map(({ day }, i) => {
    const e = day.result === null ? null : effectOn(day.result, scale);
    const cs = sequence[i]?.runningCi;
    const fixed = e === null ? null : effect(e);
    return {
      day: day.day,
      nControl: day.nControl,
      nTreatment: day.nTreatment,
      estimate: fixed?.estimate ?? null,
      ci: fixed?.ci ?? [null, null],
      cs: cs === undefined ? [null, null] : [finite(cs[0]), finite(cs[1])],
    };
  });
  return { metric, treatment, scale, points };
}
