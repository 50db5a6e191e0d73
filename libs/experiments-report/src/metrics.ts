/**
 * The decision table: every metric of the definition, treatment vs control, ITT and triggered, in each
 * treatment's comparison window. Goal metrics (primary + secondaries) are corrected for multiple testing
 * with Holm (FWER, used for the verdicts) and Benjamini–Hochberg (FDR, shown) over goal metrics ×
 * treatments, separately per population (GrowthBook's family; guardrails are excluded). Guardrails are
 * judged on anytime-valid intervals (see `sequential.ts`).
 */
import type { ExperimentDefinition, Guardrail, Metric } from '@foryou/experiments';
import { benjaminiHochberg, holm, type SequentialLook } from '@foryou/experiments-stats';
import { compareMetric, effect, finite, type RawComparison } from './compare';
import type { ComparisonWindowInput } from './inputs';
import { describeMeasure, planMetric } from './metric-plan';
import { dailyComparisons, guardrailResult, lookOf } from './sequential';
import type { Comparison, GuardrailResult, MetricReport, MetricRole } from './types';
import { metricVerdict } from './verdicts';

interface Entry {
  readonly metric: Metric | Guardrail;
  readonly role: MetricRole;
}

/** Primary, secondaries, guardrails, in definition order. */
export function metricEntries(definition: ExperimentDefinition): Entry[] {
  return [
    { metric: definition.primary_metric, role: 'primary' },
    ...definition.secondary_metrics.map((metric) => ({ metric, role: 'secondary' as const })),
    ...definition.guardrails.map((metric) => ({ metric, role: 'guardrail' as const })),
  ];
}

function isGuardrail(entry: Entry): entry is { metric: Guardrail; role: 'guardrail' } {
  return entry.role === 'guardrail';
}

interface Pending {
  readonly entry: Entry;
  readonly treatment: string;
  readonly itt: RawComparison;
  readonly triggered: RawComparison;
  readonly guardrail: GuardrailResult | null;
}

function guardrailLooks(
  guardrail: Guardrail,
  window: ComparisonWindowInput,
  t: number,
  itt: RawComparison,
  alpha: number,
): SequentialLook[] {
  const plan = planMetric(guardrail);
  if (plan.kind === 'quantile') {
    const look = itt.result === null ? null : lookOf(itt.result, guardrail.scale);
    return look === null ? [] : [look];
  }
  const cumulative = window.cumulative[guardrail.key];
  if (cumulative === undefined) {
    throw new Error(`inputs: no cumulative looks for guardrail ${guardrail.key}`);
  }
  return dailyComparisons(cumulative, plan.kind, window.arms, 0, t, alpha)
    .map((d) => (d.result === null ? null : lookOf(d.result, guardrail.scale)))
    .filter((l): l is SequentialLook => l !== null);
}

/** Holm and BH over the computable p-values of `pending`; null for the others. */
function adjust(
  pValues: readonly (number | null)[],
  alpha: number,
): { holm: (number | null)[]; bh: (number | null)[] } {
  const index = pValues.flatMap((p, i) => (p === null ? [] : [i]));
  const ps = index.map((i) => pValues[i]!);
  const h = ps.length > 0 ? holm(ps, alpha).adjusted : [];
  const b = ps.length > 0 ? benjaminiHochberg(ps, alpha).adjusted : [];
  const holmOut: (number | null)[] = pValues.map(() => null);
  const bhOut: (number | null)[] = pValues.map(() => null);
  index.forEach((i, k) => {
    holmOut[i] = h[k] ?? null;
    bhOut[i] = b[k] ?? null;
  });
  return { holm: holmOut, bh: bhOut };
}

/** A raw comparison with its (optional) adjusted p-values and its verdict. */
export function toComparison(
  raw: RawComparison,
  direction: Metric['direction'],
  alpha: number,
  adjusted: { holm: number | null; bh: number | null } | null,
): Comparison {
  const absolute = raw.result === null ? null : effect(raw.result.absolute);
  const relative = raw.result?.relative ? effect(raw.result.relative) : null;
  // Guardrails are not in the family: their verdict uses the unadjusted p (the decision is anytime-valid).
  const p = adjusted === null ? (absolute?.pValue ?? null) : adjusted.holm;
  return {
    control: raw.control,
    treatment: raw.treatment,
    absolute,
    relative,
    holmP: adjusted?.holm ?? null,
    bhQ: adjusted?.bh ?? null,
    verdict: metricVerdict(absolute?.estimate ?? null, finite(p), direction, alpha),
    note: raw.note,
  };
}

export interface MetricsResult {
  readonly metrics: MetricReport[];
  /** `metric:treatment` of the goal family. */
  readonly family: string[];
}

export function buildMetrics(
  definition: ExperimentDefinition,
  windows: readonly ComparisonWindowInput[],
): MetricsResult {
  const alpha = definition.analysis.alpha;
  const entries = metricEntries(definition);
  const pending: Pending[] = [];
  for (const window of windows) {
    window.arms.forEach((treatment, t) => {
      if (t === 0) {
        return;
      }
      for (const entry of entries) {
        const input = window.metrics[entry.metric.key];
        if (input === undefined) {
          throw new Error(`inputs: no statistics for metric ${entry.metric.key}`);
        }
        const itt = compareMetric(input, 'itt', window.arms, 0, t, alpha);
        const triggered = compareMetric(input, 'triggered', window.arms, 0, t, alpha);
        const guardrail = isGuardrail(entry)
          ? guardrailResult(entry.metric, guardrailLooks(entry.metric, window, t, itt, alpha), definition)
          : null;
        pending.push({ entry, treatment, itt, triggered, guardrail });
      }
    });
  }
  const goals = pending.filter((p) => p.entry.role !== 'guardrail');
  const pOf = (raw: RawComparison): number | null => finite(raw.result?.absolute.pValue);
  const ittAdj = adjust(
    goals.map((g) => pOf(g.itt)),
    alpha,
  );
  const trigAdj = adjust(
    goals.map((g) => pOf(g.triggered)),
    alpha,
  );
  const metrics: MetricReport[] = entries.map((entry) => ({
    key: entry.metric.key,
    role: entry.role,
    description: entry.metric.description,
    direction: entry.metric.direction,
    kind: planMetric(entry.metric).kind,
    measure: describeMeasure(entry.metric),
    comparisons: pending
      .filter((p) => p.entry === entry)
      .map((p) => {
        const g = goals.indexOf(p);
        const at = (adj: { holm: (number | null)[]; bh: (number | null)[] }) =>
          g < 0 ? null : { holm: adj.holm[g] ?? null, bh: adj.bh[g] ?? null };
        return {
          treatment: p.treatment,
          itt: toComparison(p.itt, entry.metric.direction, alpha, at(ittAdj)),
          triggered: toComparison(p.triggered, entry.metric.direction, alpha, at(trigAdj)),
          guardrail: p.guardrail,
        };
      }),
  }));
  return { metrics, family: goals.map((g) => `${g.entry.metric.key}:${g.treatment}`) };
}
