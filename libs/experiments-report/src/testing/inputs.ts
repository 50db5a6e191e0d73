import type { ExperimentDefinition } from '@foryou/experiments';
import type { BivariateMoments, UnivariateMoments } from '@foryou/experiments-stats';
import { mulberry32 } from '@foryou/experiments-store';
import {
  INPUTS_SCHEMA_VERSION,
  type ComparisonWindowInput,
  type CumulativeInput,
  type MetricInput,
  type QuantileArmInput,
  type ReportInputs,
} from '../inputs';
import { experimentDefinition } from './fixtures';

/** Moments of (y, x) pairs computed row by row. */
export function bivariateOf(rows: readonly (readonly [number, number])[]): BivariateMoments {
  return rows.reduce<BivariateMoments>(
    (m, [y, x]) => ({
      n: m.n + 1,
      sumY: m.sumY + y,
      sumYSq: m.sumYSq + y * y,
      sumX: m.sumX + x,
      sumXSq: m.sumXSq + x * x,
      sumXY: m.sumXY + x * y,
    }),
    { n: 0, sumY: 0, sumYSq: 0, sumX: 0, sumXSq: 0, sumXY: 0 },
  );
}

export function univariateOf(m: BivariateMoments): UnivariateMoments {
  return { n: m.n, sum: m.sumY, sumSq: m.sumYSq };
}

/**
 * Per-unit (y, x) rows of one arm: x = requests (1–5), y ≈ Poisson(rate·x) drawn with a seeded PRNG,
 * so the moments are consistent (a real sample) and deterministic.
 */
export function armRows(seed: number, n: number, rate: number): [number, number][] {
  const rand = mulberry32(seed);
  const rows: [number, number][] = [];
  for (let i = 0; i < n; i += 1) {
    const x = 1 + Math.floor(rand() * 5);
    let y = 0;
    for (let k = 0; k < x; k += 1) {
      y += rand() < rate ? 1 : 0;
    }
    rows.push([y, x]);
  }
  return rows;
}

function ratio(seed: number, rates: readonly [number, number], n = 4000): MetricInput {
  const arms = rates.map((r, i) => bivariateOf(armRows(seed + i, n, r)));
  const triggered = rates.map((r, i) => bivariateOf(armRows(seed + 10 + i, n / 2, r)));
  return { kind: 'ratio', itt: arms, triggered };
}

function mean(seed: number, rates: readonly [number, number]): MetricInput {
  const r = ratio(seed, rates);
  return r.kind === 'ratio'
    ? { kind: 'mean', itt: r.itt.map(univariateOf), triggered: r.triggered.map(univariateOf) }
    : r;
}

function quantileArm(estimate: number, units: number): QuantileArmInput {
  return {
    n: 3 * units,
    units,
    estimate,
    lower: estimate - 6,
    upper: estimate + 7,
    bounded: true,
    cdfSe: 0.0012,
    fractions: [0.98765, 0.99235],
    indicator: {
      n: units,
      sumY: 2.97 * units,
      sumYSq: 9 * units,
      sumX: 3 * units,
      sumXSq: 9.5 * units,
      sumXY: 9.2 * units,
    },
  };
}

/** Daily cumulative looks: the rows of `ratio` arriving over `days` days. */
function cumulative(
  key: string,
  seed: number,
  rates: readonly [number, number],
  days = 4,
  n = 4000,
): CumulativeInput {
  const rows = rates.map((r, i) => armRows(seed + i, n, r));
  const looks = Array.from({ length: days }, (_, d) =>
    rows.map((arm) => bivariateOf(arm.slice(0, Math.round((n * (d + 1)) / days)))),
  );
  return {
    metric: key,
    days: Array.from({ length: days }, (_, d) => `2026-03-0${d + 2}`),
    itt: looks,
    triggered: looks,
  };
}

export interface InputsOptions {
  readonly definition?: ExperimentDefinition;
  /** Per-arm outcome rate of the primary metric. */
  readonly primaryRates?: readonly [number, number];
  /** Per-arm rate of hide_report_rate. */
  readonly hideRates?: readonly [number, number];
  readonly assignments?: readonly [number, number];
}

/**
 * Inputs of a two-arm experiment over 4 days shaped like `experimentDefinition()`, with real (seeded)
 * moments: one period, no kill, covariate `favorites_28d`.
 */
export function reportInputs(options: InputsOptions = {}): ReportInputs {
  const definition = options.definition ?? experimentDefinition();
  const primaryRates = options.primaryRates ?? [0.08, 0.09];
  const hideRates = options.hideRates ?? [0.01, 0.01];
  const window: ComparisonWindowInput = {
    from: null,
    to: null,
    arms: ['control', 'treatment'],
    metrics: {
      engagement_per_exposure: ratio(1, primaryRates),
      short_feed_rate: ratio(3, [0.08, 0.06]),
      click_per_exposure: ratio(5, [0.05, 0.05]),
      dwell_ms_per_viewer: mean(7, [0.3, 0.31]),
      hide_report_rate: ratio(9, hideRates),
      feed_latency_p99: {
        kind: 'quantile',
        quantile: 0.99,
        alpha: 0.05,
        itt: [quantileArm(400, 4000), quantileArm(403, 4000)],
        triggered: [quantileArm(420, 2000), quantileArm(425, 2000)],
      },
      empty_feed_rate: ratio(11, [0.004, 0.004]),
    },
    cumulative: {
      engagement_per_exposure: cumulative('engagement_per_exposure', 1, primaryRates),
      hide_report_rate: cumulative('hide_report_rate', 9, hideRates),
      empty_feed_rate: cumulative('empty_feed_rate', 11, [0.004, 0.004]),
    },
    cuped: {
      itt: [0, 1].map((i) => bivariateOf(armRows(21 + i, 4000, 0.2).map(([y, x]) => [y, y + x] as const))),
      triggered: [0, 1].map((i) =>
        bivariateOf(armRows(31 + i, 2000, 0.2).map(([y, x]) => [y, y + x] as const)),
      ),
    },
  };
  const assignments = options.assignments ?? [4700, 4710];
  return {
    schemaVersion: INPUTS_SCHEMA_VERSION,
    definition,
    window: { from: null, to: null },
    exposureSpan: { first: '2026-03-02T00:00:10.000Z', last: '2026-03-05T23:50:00.000Z', exposures: 24_000 },
    kills: [],
    covariate: 'favorites_28d',
    periods: [
      {
        index: 0,
        from: null,
        to: null,
        startedBy: [],
        arms: ['control', 'treatment'],
        assignments,
        firstExposures: [4000, 4000],
        firstExposuresByDay: [
          { day: '2026-03-02', observed: [1000, 1010] },
          { day: '2026-03-03', observed: [990, 1001] },
          { day: '2026-03-04', observed: [1005, 995] },
          { day: '2026-03-05', observed: [1005, 994] },
        ],
        funnel: {
          assigned: [...assignments],
          exposed: assignments.map((a) => Math.round(a * 0.85)),
          triggered: assignments.map((a) => Math.round(a * 0.42)),
          exposedWithoutAssignment: 0,
        },
        unlisted: {},
        primary: window.metrics['engagement_per_exposure']!,
      },
    ],
    multipleExposure: {
      unitsExposed: 8000,
      unitsMultipleExposed: 12,
      unitsVariantMismatch: 12,
      unitsWithoutAssignment: 0,
      multipleByArm: [6, 6],
    },
    comparisons: [window],
  };
}
