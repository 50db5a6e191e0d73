/**
 * The report: a plain JSON object (numbers that are not finite are null). Every number in it is
 * computed by `buildReport` from `inputs`, except `generatedAt` and `timings`.
 */
import type { GuardrailLevel, KillSwitchAction, RampGateResult } from '@foryou/experiments';
import type { NonInferiorityStatus } from '@foryou/experiments-stats';
import type { ReportInputs } from './inputs';

export const REPORT_SCHEMA_VERSION = 'experiment-report-v1';

/** A finite number, or null (not defined: e.g. a p-value when both arms are constant). */
export type Num = number | null;
export type Range = readonly [Num, Num];

/** An effect estimate (experiments-stats `EffectEstimate`, JSON-safe). */
export interface Effect {
  readonly estimate: Num;
  readonly se: Num;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: Num;
  readonly pValue: Num;
  /** Two-sided (1 − α) fixed-horizon interval. */
  readonly ci: Range;
}

export interface ArmValue {
  readonly arm: string;
  /** Units (for quantiles: requests are in `requests`). */
  readonly n: number;
  /** The arm's estimate: Σy/Σx (ratio), the mean, or the quantile. */
  readonly value: Num;
  /** Quantiles: the order-statistic interval and the number of requests. */
  readonly ci?: Range;
  readonly requests?: number;
}

/** better/worse: significant after Holm at α, in the metric's direction. */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'not-computable';

export interface Comparison {
  readonly control: ArmValue;
  readonly treatment: ArmValue;
  /** treatment − control. */
  readonly absolute: Effect | null;
  /** (treatment − control)/|control| (delta method). */
  readonly relative: Effect | null;
  /** Adjusted over the goal-metric family (null for guardrails and non-computable ones). */
  readonly holmP: Num;
  readonly bhQ: Num;
  readonly verdict: Verdict;
  /** Why a comparison could not be computed, or a caveat. */
  readonly note: string | null;
}

export interface GuardrailResult {
  readonly scale: 'absolute' | 'relative';
  readonly margin: number;
  readonly warning: number;
  readonly critical: number;
  /** Anytime-valid interval: running intersection of the mSPRT confidence sequences over the looks. */
  readonly interval: Range;
  readonly looks: number;
  /** Running-minimum always-valid p-value of H0: no difference. */
  readonly alwaysValidP: Num;
  /** `assessGuardrail` on `interval` (null when not computable). */
  readonly level: GuardrailLevel | null;
  readonly nonInferiority: NonInferiorityStatus | null;
  /** The interval excludes 0 on the bad side. */
  readonly deteriorated: boolean | null;
  /** `killSwitchAction` for the level. */
  readonly action: KillSwitchAction;
  readonly note: string | null;
}

export type MetricRole = 'primary' | 'secondary' | 'guardrail';

/** One metric compared, per treatment, in the treatment's comparison window. */
export interface MetricReport {
  readonly key: string;
  readonly role: MetricRole;
  readonly description: string;
  readonly direction: 'higher-is-better' | 'lower-is-better';
  readonly kind: 'ratio' | 'mean' | 'quantile';
  /** Plain-language definition (events or signal, aggregate, denominator). */
  readonly measure: string;
  readonly comparisons: readonly {
    readonly treatment: string;
    readonly itt: Comparison;
    readonly triggered: Comparison;
    /** Guardrails only (ITT, the population that ships). */
    readonly guardrail: GuardrailResult | null;
  }[];
}

export interface SrmCheck {
  readonly label: string;
  readonly period: number;
  readonly arms: readonly string[];
  readonly observed: readonly number[];
  /** The configured weights of the arms active in the period (0 for killed arms). */
  readonly weights: readonly number[];
  readonly expected: readonly Num[];
  readonly chiSquare: Num;
  readonly df: number;
  readonly pValue: Num;
  readonly judged: boolean;
  readonly flagged: boolean;
  readonly reasons: readonly string[];
}

export interface FunnelCheck extends SrmCheck {
  readonly assigned: readonly number[];
  readonly triggered: readonly number[];
  readonly exposureRates: readonly Num[];
  readonly exposedWithoutAssignment: number;
}

export interface SrmDayPoint {
  readonly day: string;
  readonly period: number;
  readonly observed: readonly number[];
  readonly pValue: Num;
  readonly judged: boolean;
  readonly flagged: boolean;
}

export type HealthStatus = 'healthy' | 'warning' | 'unhealthy';

export interface HealthReport {
  readonly status: HealthStatus;
  /** One line per problem, worst first. */
  readonly issues: readonly string[];
  readonly srm: readonly SrmCheck[];
  readonly funnel: readonly FunnelCheck[];
  readonly srmByDay: {
    readonly days: readonly SrmDayPoint[];
    readonly worstDay: { readonly day: string; readonly pValue: Num; readonly bonferroniP: Num } | null;
    readonly flaggedDays: readonly string[];
    readonly threshold: number;
  };
  readonly multipleExposure: {
    readonly unitsExposed: number;
    readonly unitsMultipleExposed: number;
    readonly rate: Num;
    readonly threshold: number;
    readonly judged: boolean;
    readonly unhealthy: boolean;
    readonly unitsVariantMismatch: number;
    readonly unitsWithoutAssignment: number;
    readonly multipleByArm: readonly number[];
  };
  /** ITT units of the primary metric per arm in its comparison window vs `minimum_sample_per_arm`. */
  readonly minimumSample: {
    readonly required: number;
    readonly arms: readonly {
      readonly arm: string;
      readonly n: number;
      readonly shortfall: number;
      readonly ok: boolean;
    }[];
    readonly ok: boolean;
  };
  /** First exposures in variants the definition does not have. */
  readonly unlisted: Readonly<Record<string, number>>;
}

export interface CupedReport {
  readonly metric: string;
  readonly covariate: string;
  /** What is adjusted (for a ratio metric: its per-unit numerator, a different estimand). */
  readonly estimand: string;
  readonly comparisons: readonly {
    readonly treatment: string;
    readonly population: 'itt' | 'triggered';
    readonly theta: Num;
    readonly correlation: Num;
    readonly varianceReduction: Num;
    readonly unadjusted: Effect;
    readonly adjusted: Effect;
    readonly ciWidthUnadjusted: Num;
    readonly ciWidthAdjusted: Num;
    /** adjusted / unadjusted CI width. */
    readonly ciWidthRatio: Num;
    readonly fallback: boolean;
    readonly note: string | null;
  }[];
}

export interface CumulativePoint {
  readonly day: string;
  readonly nControl: number;
  readonly nTreatment: number;
  readonly estimate: Num;
  /** Fixed-horizon (1 − α) interval of this day's look. */
  readonly ci: Range;
  /** Running intersection of the anytime-valid confidence sequence. */
  readonly cs: Range;
}

export interface CumulativeSeries {
  readonly metric: string;
  readonly treatment: string;
  /** `relative`: lift as a fraction of control; `absolute` when control is 0. */
  readonly scale: 'relative' | 'absolute';
  readonly points: readonly CumulativePoint[];
}

export interface PeriodReport {
  readonly index: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly startedBy: readonly string[];
  readonly activeArms: readonly string[];
  /** The primary metric per arm, and treatment vs control where both arms have data. */
  readonly primary: readonly ArmValue[];
  readonly comparisons: readonly { readonly treatment: string; readonly itt: Comparison }[];
}

export interface TimelineEvent {
  readonly at: string;
  readonly kind: 'first-exposure' | 'kill' | 'last-exposure' | 'window-start' | 'window-end';
  readonly label: string;
  readonly variant: string | null;
}

export interface TimelineReport {
  readonly events: readonly TimelineEvent[];
  readonly ramp: {
    readonly currentStep: number;
    readonly steps: readonly { readonly percent: number; readonly minDurationHours: number }[];
    /** Hours between the first and the last exposure (the time observed at the current step, at most). */
    readonly hoursObserved: Num;
    readonly gates: RampGateResult;
  };
}

export type Decision =
  | 'ship'
  | 'do-not-ship'
  | 'no-detectable-effect'
  | 'keep-running'
  | 'hold'
  | 'kill'
  | 'investigate'
  | 'killed';

export interface Recommendation {
  readonly treatment: string;
  readonly decision: Decision;
  readonly reasons: readonly string[];
}

export interface ExperimentReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly experiment: {
    readonly key: string;
    readonly hypothesis: string;
    readonly owner: string;
    readonly status: string;
    readonly arms: readonly {
      readonly key: string;
      readonly weight: number;
      readonly description: string | null;
    }[];
    readonly trigger: string;
    readonly attributionWindowHours: number;
    readonly minimumSamplePerArm: number;
    readonly alpha: number;
    readonly srmThreshold: number;
    readonly nStar: number;
  };
  readonly window: {
    readonly from: string | null;
    readonly to: string | null;
    readonly firstExposure: string | null;
    readonly lastExposure: string | null;
    readonly exposures: number;
  };
  readonly estimands: { readonly itt: string; readonly triggered: string };
  readonly recommendations: readonly Recommendation[];
  readonly health: HealthReport;
  readonly comparisonWindows: readonly {
    readonly treatments: readonly string[];
    readonly from: string | null;
    readonly to: string | null;
  }[];
  readonly metrics: readonly MetricReport[];
  readonly correction: { readonly family: readonly string[]; readonly description: string };
  readonly cuped: CupedReport | null;
  readonly cumulative: readonly CumulativeSeries[];
  readonly periods: readonly PeriodReport[];
  readonly timeline: TimelineReport;
  readonly inputs: ReportInputs;
  /** sha256 (hex) of the canonical JSON of `inputs`. */
  readonly contentHash: string;
  readonly generatedAt: string;
  /** Wall-clock time of each step, ms (not part of the hash). */
  readonly timings: readonly { readonly step: string; readonly ms: number }[];
}
