/**
 * Collects the report's inputs from the store: every statement is an `ExperimentAnalysis` method, so
 * only per-arm sufficient statistics leave PostgreSQL. Statements run one after the other (the report
 * is a batch job; the database is shared), each timed and announced to `onProgress`. Identical queries
 * (e.g. the first period and the comparison window when the only kill ends the treatment) run once.
 */
import { performance } from 'node:perf_hooks';
import type { ExperimentDefinition } from '@foryou/experiments';
import type { BivariateMoments } from '@foryou/experiments-stats';
import {
  splitAtKills,
  type AnalysisScope,
  type ExperimentAnalysis,
  type KillRow,
  type MetricPair,
  type QuantileArm,
  type TimeWindow,
} from '@foryou/experiments-store';
import {
  INPUTS_SCHEMA_VERSION,
  type ComparisonWindowInput,
  type CumulativeInput,
  type KillInput,
  type MetricInput,
  type PeriodInput,
  type QuantileArmInput,
  type ReportInputs,
  type WindowInput,
} from './inputs';
import { cupedTarget, planMetric, type MetricPlan } from './metric-plan';
import { metricEntries } from './metrics';
import { armOrder, comparisonWindows } from './windows';

export interface ReportProgress {
  /** Steps finished. */
  readonly done: number;
  /** Steps planned (grows once, when the periods and windows are known). */
  readonly total: number;
  /** The step about to run (or `done`). */
  readonly step: string;
}

export interface StepTiming {
  readonly step: string;
  readonly ms: number;
}

export interface CollectOptions {
  /** Analysis window (half-open, on exposure time). Default: everything. */
  readonly window?: TimeWindow;
  /**
   * Pre-period covariate for CUPED. Default (undefined): the first one stored for the experiment
   * (byte order); null: no CUPED. A name that is not stored is an error.
   */
  readonly covariate?: string | null;
  readonly onProgress?: (progress: ReportProgress) => void;
}

/** The experiment has no exposure in the window: there is nothing to report yet. */
export class NoExposuresError extends Error {
  override readonly name = 'NoExposuresError';
}

const iso = (d: Date | null | undefined): string | null =>
  d === null || d === undefined ? null : d.toISOString();

function toWindow(w: WindowInput): TimeWindow {
  return {
    ...(w.from === null ? {} : { from: new Date(w.from) }),
    ...(w.to === null ? {} : { to: new Date(w.to) }),
  };
}

function quantileArm(a: QuantileArm): QuantileArmInput {
  return {
    n: a.n,
    units: a.units,
    estimate: a.estimate,
    lower: a.lower,
    upper: a.upper,
    bounded: a.bounded,
    cdfSe: a.cdfSe,
    fractions: a.fractions,
    indicator: a.indicator,
  };
}

/** A queue of named async steps with progress and timings. */
class Steps {
  private done = 0;
  private total = 0;
  readonly timings: StepTiming[] = [];
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly onProgress: ((p: ReportProgress) => void) | undefined) {}

  plan(steps: number): void {
    this.total += steps;
  }

  async run<T>(step: string, fn: () => Promise<T>, cacheKey?: string): Promise<T> {
    if (cacheKey !== undefined && this.cache.has(cacheKey)) {
      this.done += 1;
      this.onProgress?.({ done: this.done, total: this.total, step: `${step} (cached)` });
      return this.cache.get(cacheKey) as Promise<T>;
    }
    this.onProgress?.({ done: this.done, total: this.total, step });
    const start = performance.now();
    const promise = fn();
    if (cacheKey !== undefined) {
      this.cache.set(cacheKey, promise);
    }
    const result = await promise;
    this.timings.push({ step, ms: performance.now() - start });
    this.done += 1;
    this.onProgress?.({ done: this.done, total: this.total, step });
    return result;
  }
}

async function metricInput(
  steps: Steps,
  analysis: ExperimentAnalysis,
  scope: AnalysisScope,
  metric: Parameters<typeof planMetric>[0],
  label: string,
): Promise<MetricInput> {
  const plan = planMetric(metric);
  const key = JSON.stringify([scope, plan]);
  switch (plan.kind) {
    case 'ratio': {
      const r = await steps.run(
        label,
        () => analysis.ratioMoments(scope, plan.numerator, plan.denominator),
        key,
      );
      return { kind: 'ratio', itt: r.itt, triggered: r.triggered };
    }
    case 'mean': {
      const r = await steps.run(label, () => analysis.metricMoments(scope, plan.metric), key);
      return { kind: 'mean', itt: r.itt, triggered: r.triggered };
    }
    case 'quantile': {
      const r = await steps.run(
        label,
        () => analysis.servingQuantile(scope, { signal: plan.signal, quantile: plan.quantile }),
        key,
      );
      return {
        kind: 'quantile',
        quantile: r.quantile,
        alpha: r.alpha,
        itt: r.itt.map(quantileArm),
        triggered: r.triggered.map(quantileArm),
      };
    }
  }
}

/** The (y, x) pair of a ratio or mean metric for the one-statement queries. */
function pairOf(metric: Parameters<typeof planMetric>[0]): MetricPair {
  const plan = planMetric(metric);
  switch (plan.kind) {
    case 'ratio':
      return { y: plan.numerator, x: plan.denominator };
    case 'mean':
      return { y: plan.metric, x: null };
    case 'quantile':
      throw new RangeError(`metric ${metric.key}: a quantile is not a moments query`);
  }
}

function momentsInput(
  kind: MetricPlan['kind'],
  itt: readonly BivariateMoments[],
  triggered: readonly BivariateMoments[],
): MetricInput {
  const univariate = (m: BivariateMoments) => ({ n: m.n, sum: m.sumY, sumSq: m.sumYSq });
  switch (kind) {
    case 'mean':
      return { kind, itt: itt.map(univariate), triggered: triggered.map(univariate) };
    case 'ratio':
      return { kind, itt, triggered };
    case 'quantile':
      throw new RangeError('a quantile has no moments');
  }
}

function killInput(k: KillRow): KillInput {
  return {
    killId: k.killId,
    variant: k.variant,
    reason: k.reason,
    actor: k.actor,
    automatic: k.automatic,
    at: k.createdAt.toISOString(),
  };
}

/** Runs every statement the report needs and returns its inputs (plus the time of each statement). */
export async function collectInputs(
  definition: ExperimentDefinition,
  analysis: ExperimentAnalysis,
  options: CollectOptions = {},
): Promise<{ inputs: ReportInputs; timings: StepTiming[] }> {
  const steps = new Steps(options.onProgress);
  const experimentKey = definition.key;
  const requested = options.window ?? {};
  const window: WindowInput = { from: iso(requested.from), to: iso(requested.to) };
  const arms = armOrder(definition);
  steps.plan(3);
  const span = await steps.run('exposure span', () =>
    analysis.exposureSpan({ experimentKey, window: requested }),
  );
  if (span.exposures === 0) {
    throw new NoExposuresError(
      `no exposures of experiment ${experimentKey}${window.from === null && window.to === null ? '' : ' in the window'} yet`,
    );
  }
  const killRows = await steps.run('kills', () => analysis.kills(experimentKey));
  const stored = await steps.run('covariates', () => analysis.covariateNames(experimentKey));
  let covariate: string | null;
  if (options.covariate === undefined) {
    covariate = stored[0] ?? null;
  } else if (options.covariate !== null && !stored.includes(options.covariate)) {
    throw new RangeError(
      `covariate ${options.covariate} is not stored for ${experimentKey} (stored: ${stored.join(', ') || 'none'})`,
    );
  } else {
    covariate = options.covariate;
  }
  const kills = killRows.map(killInput);
  const periods = splitAtKills(requested, killRows);
  const windows = comparisonWindows(arms, window, kills);
  const entries = metricEntries(definition);
  const primary = definition.primary_metric;
  const additive = entries.filter((e) => planMetric(e.metric).kind !== 'quantile');
  const quantiles = entries.filter((e) => planMetric(e.metric).kind === 'quantile');
  const daily = additive.filter((e) => e.role === 'primary' || e.role === 'guardrail');
  const cupedMetric = covariate === null ? null : cupedTarget(primary);
  // The primary metric of a period whose window and arms are those of a comparison window is reused.
  const scopeKey = (scope: AnalysisScope): string => JSON.stringify([scope.arms, scope.window]);
  const periodScopes: AnalysisScope[] = periods.map((period) => ({
    experimentKey,
    arms,
    window: { ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) },
  }));
  const windowScopes: AnalysisScope[] = windows.map((w) => ({
    experimentKey,
    arms: w.arms,
    window: toWindow(w),
  }));
  const shared = new Set(windowScopes.map(scopeKey));
  steps.plan(
    1 +
      periods.length * 4 +
      periodScopes.filter((s) => !shared.has(scopeKey(s))).length +
      windows.length *
        ((additive.length > 0 ? 1 : 0) +
          quantiles.length +
          (daily.length > 0 ? 1 : 0) +
          (cupedMetric === null ? 0 : 1)),
  );
  const multiple = await steps.run('multiple exposures', () =>
    analysis.multipleExposures({ experimentKey, arms, window: requested }),
  );

  const comparisonInputs: ComparisonWindowInput[] = [];
  const primaryByScope = new Map<string, MetricInput>();
  for (const [i, w] of windows.entries()) {
    const scope = windowScopes[i]!;
    const label = windows.length > 1 ? ` (${w.arms.slice(1).join(', ')})` : '';
    const metrics: Record<string, MetricInput> = {};
    if (additive.length > 0) {
      const results = await steps.run(`${additive.length} metrics, one statement${label}`, () =>
        analysis.multiMetricMoments(
          scope,
          additive.map((e) => pairOf(e.metric)),
        ),
      );
      additive.forEach((e, k) => {
        const r = results[k];
        if (r !== undefined) {
          metrics[e.metric.key] = momentsInput(planMetric(e.metric).kind, r.itt, r.triggered);
        }
      });
    }
    for (const { metric } of quantiles) {
      metrics[metric.key] = await metricInput(steps, analysis, scope, metric, `${metric.key}${label}`);
    }
    const cumulative: Record<string, CumulativeInput> = {};
    if (daily.length > 0) {
      const results = await steps.run(`${daily.map((e) => e.metric.key).join(', ')} by day${label}`, () =>
        analysis.cumulativeMultiMoments(
          scope,
          daily.map((e) => pairOf(e.metric)),
        ),
      );
      daily.forEach((e, k) => {
        const r = results[k];
        if (r !== undefined) {
          cumulative[e.metric.key] = {
            metric: e.metric.key,
            days: r.days,
            itt: r.itt,
            triggered: r.triggered,
          };
        }
      });
    }
    let cuped: ComparisonWindowInput['cuped'] = null;
    if (cupedMetric !== null && covariate !== null) {
      const r = await steps.run(`CUPED ${primary.key}${label}`, () =>
        analysis.cupedMoments(scope, cupedMetric, covariate),
      );
      cuped = { itt: r.itt, triggered: r.triggered };
    }
    const primaryInput = metrics[primary.key];
    if (primaryInput !== undefined) {
      primaryByScope.set(scopeKey(scope), primaryInput);
    }
    comparisonInputs.push({ from: w.from, to: w.to, arms: w.arms, metrics, cumulative, cuped });
  }

  const periodInputs: PeriodInput[] = [];
  for (const [i, period] of periods.entries()) {
    const scope = periodScopes[i]!;
    const label = periods.length > 1 ? ` (period ${period.index + 1})` : '';
    const assignments = await steps.run(`assignment counts${label}`, () => analysis.assignmentCounts(scope));
    const firsts = await steps.run(`first exposures${label}`, () => analysis.firstExposureCounts(scope));
    const byDay = await steps.run(`first exposures by day${label}`, () =>
      analysis.firstExposuresByDay(scope),
    );
    const funnel = await steps.run(`exposure funnel${label}`, () => analysis.exposureFunnel(scope));
    const primaryInput =
      primaryByScope.get(scopeKey(scope)) ??
      (await metricInput(steps, analysis, scope, primary, `${primary.key}${label}`));
    periodInputs.push({
      index: period.index,
      from: iso(period.from),
      to: iso(period.to),
      startedBy: period.startedBy.map((k) => k.killId),
      arms,
      assignments: assignments.counts,
      firstExposures: firsts.counts,
      firstExposuresByDay: byDay.days,
      funnel: {
        assigned: funnel.assigned,
        exposed: funnel.exposed,
        triggered: funnel.triggered,
        exposedWithoutAssignment: funnel.exposedWithoutAssignment,
      },
      unlisted: firsts.unlisted,
      primary: primaryInput,
    });
  }

  return {
    timings: steps.timings,
    inputs: {
      schemaVersion: INPUTS_SCHEMA_VERSION,
      definition,
      window,
      exposureSpan: { first: iso(span.first), last: iso(span.last), exposures: span.exposures },
      kills,
      covariate,
      periods: periodInputs,
      multipleExposure: {
        unitsExposed: multiple.unitsExposed,
        unitsMultipleExposed: multiple.unitsMultipleExposed,
        unitsVariantMismatch: multiple.unitsVariantMismatch,
        unitsWithoutAssignment: multiple.unitsWithoutAssignment,
        multipleByArm: multiple.multipleByArm,
      },
      comparisons: comparisonInputs,
    },
  };
}
