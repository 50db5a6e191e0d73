/**
 * The INPUTS of a report: everything `buildReport` needs, and nothing else. They are the per-arm
 * sufficient statistics the store computed in SQL, the definition and the kills — plain JSON (ISO
 * dates, no NaN), so a report can be recomputed from its `inputs` section alone and its content hash
 * checked.
 */
import type { ExperimentDefinition } from '@foryou/experiments';
import type { BivariateMoments, SrmDay, UnivariateMoments } from '@foryou/experiments-stats';

export const INPUTS_SCHEMA_VERSION = 'experiment-report-inputs-v1';

/** A half-open window [from, to) as ISO strings; null = unbounded. */
export interface WindowInput {
  readonly from: string | null;
  readonly to: string | null;
}

export interface KillInput {
  readonly killId: string;
  /** The killed arm; null = the whole experiment. */
  readonly variant: string | null;
  readonly reason: string;
  readonly actor: string;
  readonly automatic: boolean;
  readonly at: string;
}

/** Counts of one period (the window split at kills); arrays aligned with `arms`. */
export interface PeriodInput extends WindowInput {
  readonly index: number;
  /** killIds that opened the period (none for the first). */
  readonly startedBy: readonly string[];
  readonly arms: readonly string[];
  /** Assignments per arm (assigned_at in the period). */
  readonly assignments: readonly number[];
  /** Units whose first exposure (over all time) is in the period, by that exposure's variant. */
  readonly firstExposures: readonly number[];
  readonly firstExposuresByDay: readonly SrmDay[];
  readonly funnel: {
    readonly assigned: readonly number[];
    readonly exposed: readonly number[];
    readonly triggered: readonly number[];
    readonly exposedWithoutAssignment: number;
  };
  /** First exposures of variants that are not in the definition. */
  readonly unlisted: Readonly<Record<string, number>>;
  /** The primary metric in this period, every arm. */
  readonly primary: MetricInput;
}

/** Per-arm quantile statistics (store `QuantileArm`). */
export interface QuantileArmInput {
  readonly n: number;
  readonly units: number;
  readonly estimate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly bounded: boolean;
  readonly cdfSe: number | null;
  readonly fractions: readonly [number, number] | null;
  readonly indicator: BivariateMoments;
}

/** Sufficient statistics of one metric, ITT and triggered, aligned with the enclosing `arms`. */
export type MetricInput =
  | {
      /** y = numerator per unit, x = denominator per unit (ratio Σy/Σx, delta method). */
      readonly kind: 'ratio';
      readonly itt: readonly BivariateMoments[];
      readonly triggered: readonly BivariateMoments[];
    }
  | {
      /** Per-unit mean. */
      readonly kind: 'mean';
      readonly itt: readonly UnivariateMoments[];
      readonly triggered: readonly UnivariateMoments[];
    }
  | {
      readonly kind: 'quantile';
      readonly quantile: number;
      /** Level of the order-statistic intervals. */
      readonly alpha: number;
      readonly itt: readonly QuantileArmInput[];
      readonly triggered: readonly QuantileArmInput[];
    };

/** Cumulative looks of a ratio or mean metric: moments over [from, end of each day). */
export interface CumulativeInput {
  readonly metric: string;
  readonly days: readonly string[];
  /** [day][arm]; for a mean metric x is 0. */
  readonly itt: readonly (readonly BivariateMoments[])[];
  readonly triggered: readonly (readonly BivariateMoments[])[];
}

/**
 * One comparison window: control and the treatments whose comparison ends at the same time (at the
 * first kill of the treatment, of control or of the experiment; else at the window's end).
 */
export interface ComparisonWindowInput extends WindowInput {
  /** control first, then the treatments. */
  readonly arms: readonly string[];
  /** Every goal metric and guardrail, by key. */
  readonly metrics: Readonly<Record<string, MetricInput>>;
  /** Daily looks of the primary metric and of the ratio/mean guardrails, by key. */
  readonly cumulative: Readonly<Record<string, CumulativeInput>>;
  /** CUPED moments of the primary metric (y = its per-unit numerator, x = the covariate). */
  readonly cuped: {
    readonly itt: readonly BivariateMoments[];
    readonly triggered: readonly BivariateMoments[];
  } | null;
}

export interface ReportInputs {
  readonly schemaVersion: typeof INPUTS_SCHEMA_VERSION;
  readonly definition: ExperimentDefinition;
  /** The requested analysis window. */
  readonly window: WindowInput;
  /** First and last exposure in the window. */
  readonly exposureSpan: {
    readonly first: string | null;
    readonly last: string | null;
    readonly exposures: number;
  };
  readonly kills: readonly KillInput[];
  /** The pre-period covariate used for CUPED (null: none stored). */
  readonly covariate: string | null;
  readonly periods: readonly PeriodInput[];
  /** Whole window. */
  readonly multipleExposure: {
    readonly unitsExposed: number;
    readonly unitsMultipleExposed: number;
    readonly unitsVariantMismatch: number;
    readonly unitsWithoutAssignment: number;
    readonly multipleByArm: readonly number[];
  };
  readonly comparisons: readonly ComparisonWindowInput[];
}
