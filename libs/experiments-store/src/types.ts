/**
 * Row shapes of the store. The TypeScript API is camelCase; each field maps to the snake_case column
 * of the same name (`experimentKey` ↔ `experiment_key`). Times are `Date`s (millisecond precision;
 * the columns are `timestamptz`).
 */

/** The outcome event types the `outcomes.event_type` CHECK constraint accepts. */
export const OUTCOME_EVENT_TYPES = [
  'favorite',
  'reply',
  'repost',
  'click',
  'dwell',
  'hide',
  'report',
  'not_interested',
  'block_author',
  'mute_author',
] as const;

export type OutcomeEventType = (typeof OUTCOME_EVENT_TYPES)[number];

/** `experiments.assignments`: one per (experimentKey, unitId). */
export interface AssignmentRow {
  readonly experimentKey: string;
  readonly unitId: string;
  readonly variant: string;
  readonly layer: string;
  /** Non-negative integer. */
  readonly bucket: number;
  readonly hashVersion: number;
  readonly eligibilityVersion: number;
  readonly assignedAt: Date;
}

/** `experiments.exposures`: one per exposureId (the producer's event id). */
export interface ExposureRow {
  readonly exposureId: string;
  readonly experimentKey: string;
  readonly unitId: string;
  readonly variant: string;
  readonly requestId: string | null;
  readonly triggered: boolean;
  /** Default false. */
  readonly counterfactual?: boolean;
  /** Versions of what served the request (JSON object). Default `{}`. */
  readonly versionVector?: Readonly<Record<string, string | number>>;
  readonly exposedAt: Date;
  /**
   * Serving facts of the request that produced the exposure (migration 0004; `source: serving`
   * metrics). Absent or null = not recorded. Latency in ms (finite, ≥ 0); item counts are integers ≥ 0.
   */
  readonly latencyMs?: number | null;
  /** Posts the request returned (0 = empty feed). */
  readonly itemsReturned?: number | null;
  /** Posts the client asked for (itemsReturned < requestedItems = short feed). */
  readonly requestedItems?: number | null;
}

/** `experiments.outcomes`: one per (unitId, clientEventId). */
export interface OutcomeRow {
  readonly clientEventId: string;
  readonly unitId: string;
  readonly eventType: OutcomeEventType;
  /** Finite. Default 1 (a discrete action); milliseconds for `dwell`. */
  readonly value?: number;
  readonly postId: string | null;
  readonly requestId: string | null;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
}

/** `experiments.kills`: one per killId. */
export interface KillRow {
  readonly killId: string;
  readonly experimentKey: string;
  /** The killed arm, or null when the whole experiment was killed. */
  readonly variant: string | null;
  readonly reason: string;
  readonly actor: string;
  /** true when a guardrail fired it, false for a human. */
  readonly automatic: boolean;
  readonly createdAt: Date;
}

/** `experiments.pre_period_covariates`: one per (experimentKey, metric, unitId). */
export interface CovariateRow {
  readonly experimentKey: string;
  /** Name of the pre-period metric (e.g. `favorites_28d`). */
  readonly metric: string;
  readonly unitId: string;
  /** Finite. */
  readonly value: number;
}

/** Result of an idempotent batch insert. `inserted + duplicates = received`. */
export interface IngestResult {
  readonly received: number;
  /** Rows that were new and are now stored. */
  readonly inserted: number;
  /** Rows already stored (or repeated within the batch); nothing was changed for them. */
  readonly duplicates: number;
}

export interface AssignmentIngestResult extends IngestResult {
  /**
   * Duplicates whose variant differs from the stored assignment of the same (experimentKey, unitId):
   * a unit re-bucketed into another arm. The stored row is kept; the caller should alert.
   */
  readonly conflicts: number;
}

export interface AttributionResult {
  /** Outcomes attributed by this call (0 on a rerun). */
  readonly attributed: number;
  /** Of those, attributed to an exposure of the same request. */
  readonly byRequest: number;
  /** Of those, attributed to the latest exposure in the window (no same-request exposure found). */
  readonly byLatest: number;
}

/** A half-open time window [from, to). A missing bound is unbounded. */
export interface TimeWindow {
  readonly from?: Date;
  readonly to?: Date;
}
