import type { Pool } from 'pg';
import { guardedQuery } from './pg-util';
import type {
  AssignmentIngestResult,
  AssignmentRow,
  AttributionResult,
  CovariateRow,
  ExposureRow,
  IngestResult,
  KillRow,
  OutcomeRow,
} from './types';
import {
  validateAssignments,
  validateCovariates,
  validateExposures,
  validateKill,
  validateOutcomes,
  validateWindowMs,
} from './validate';

export interface ExperimentStoreOptions {
  /** Rows per INSERT statement (each statement sends one array per column). Default 5000. */
  readonly batchSize?: number;
  /**
   * Run attribution with nested-loop joins and JIT disabled (see `guardedQuery`). Default true; set
   * false to leave the plan entirely to the planner and the server settings.
   */
  readonly planGuard?: boolean;
}

/** Keeps the first row of each key (input order). */
function dedupe<T>(rows: readonly T[], key: (row: T) => string): { unique: T[] } {
  const seen = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    if (!seen.has(k)) {
      seen.set(k, row);
    }
  }
  return { unique: [...seen.values()] };
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    out.push(rows.slice(i, i + size));
  }
  return out;
}

function iso(d: Date): string {
  return d.toISOString();
}

/** JSON.stringify of a key tuple: unambiguous whatever characters the parts contain. */
function key(...parts: string[]): string {
  return JSON.stringify(parts);
}

function count(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    throw new Error(`expected a count from PostgreSQL, got ${String(value)}`);
  }
  return n;
}

const INSERT_ASSIGNMENTS = `
WITH input AS (
  SELECT *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::timestamptz[])
    AS t(experiment_key, unit_id, variant, layer, bucket, hash_version, eligibility_version, assigned_at)
),
ins AS (
  INSERT INTO experiments.assignments
    (experiment_key, unit_id, variant, layer, bucket, hash_version, eligibility_version, assigned_at)
  SELECT * FROM input
  ON CONFLICT DO NOTHING
  RETURNING 1
)
-- The join sees the table as it was before this statement, i.e. exactly the stored rows the input
-- collided with; their variant is what stays stored.
SELECT (SELECT count(*) FROM ins)::int AS inserted,
       coalesce((SELECT json_agg(json_build_array(i.experiment_key, i.unit_id, a.variant))
                 FROM input i
                 JOIN experiments.assignments a ON a.experiment_key = i.experiment_key AND a.unit_id = i.unit_id),
                '[]'::json) AS stored`;

const INSERT_EXPOSURES = `
INSERT INTO experiments.exposures
  (exposure_id, experiment_key, unit_id, variant, request_id, triggered, counterfactual, version_vector, exposed_at,
   latency_ms, items_returned, requested_items)
SELECT *
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::bool[], $8::jsonb[],
            $9::timestamptz[], $10::float8[], $11::int[], $12::int[])
ON CONFLICT DO NOTHING`;

const INSERT_OUTCOMES = `
INSERT INTO experiments.outcomes
  (client_event_id, unit_id, event_type, value, post_id, request_id, occurred_at, received_at)
SELECT *
FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::timestamptz[],
            $8::timestamptz[])
ON CONFLICT DO NOTHING`;

const INSERT_KILL = `
INSERT INTO experiments.kills (kill_id, experiment_key, variant, reason, actor, automatic, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING`;

const INSERT_COVARIATES = `
INSERT INTO experiments.pre_period_covariates (experiment_key, metric, unit_id, value)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[])
ON CONFLICT DO NOTHING`;

/**
 * Attribution, ONE statement (INSERT ... SELECT). For every outcome not yet attributed for this
 * experiment (and not older than the experiment's first exposure), join the exposures of the same
 * unit and experiment with
 *   occurred_at − window ≤ exposed_at ≤ occurred_at
 * — and, when the outcome names its request, only that request's exposures (a request the experiment
 * did not expose, e.g. after the unit's arm was killed, lends its outcomes to no other exposure; one
 * whose exposure has not landed yet stays pending until it does) — and keep one per outcome
 * (DISTINCT ON): the latest, then the greatest exposure_id in byte order. So an outcome whose post reached the unit
 * through two sources (two exposures of one request) is attributed once, deterministically. The
 * primary key (experiment, unit, outcome) with ON CONFLICT DO NOTHING makes a rerun, or a concurrent
 * run, insert nothing twice. Set-based (join + sort) rather than a per-outcome LATERAL lookup, so the
 * cost stays O(n log n) whatever the planner's statistics say.
 * $1 experiment_key, $2 window in ms.
 */
const ATTRIBUTE_OUTCOMES = `
WITH pending AS (
  SELECT o.*
  FROM experiments.outcomes o
  -- A scalar subquery (an InitPlan), not a join: no nested loop anywhere in the plan.
  WHERE o.occurred_at >= (SELECT min(exposed_at) FROM experiments.exposures WHERE experiment_key = $1)
    AND NOT EXISTS (
      SELECT 1 FROM experiments.attributions a
      WHERE a.experiment_key = $1 AND a.unit_id = o.unit_id AND a.client_event_id = o.client_event_id
    )
),
best AS (
  SELECT DISTINCT ON (o.unit_id, o.client_event_id)
         o.unit_id, o.client_event_id, x.exposure_id, x.request_id AS exposure_request_id, x.variant,
         x.exposed_at, o.post_id, o.request_id AS outcome_request_id, o.event_type, o.value, o.occurred_at,
         (x.request_id = o.request_id) IS TRUE AS same_request
  FROM pending o
  JOIN experiments.exposures x
    ON x.experiment_key = $1
   AND x.unit_id = o.unit_id
   AND x.exposed_at <= o.occurred_at
   AND x.exposed_at >= o.occurred_at - $2::bigint * interval '1 millisecond'
   -- An outcome that names its request belongs to that request's exposure or to none: a request the
   -- experiment did not expose (the unit killed, ramped out, or not exposed yet) must not lend its
   -- outcomes to an earlier exposure.
   AND (o.request_id IS NULL OR x.request_id = o.request_id)
  ORDER BY o.unit_id, o.client_event_id, same_request DESC, x.exposed_at DESC, x.exposure_id COLLATE "C" DESC
),
ins AS (
  INSERT INTO experiments.attributions
    (experiment_key, unit_id, client_event_id, exposure_id, exposure_request_id, variant, exposed_at, post_id,
     outcome_request_id, event_type, value, occurred_at, matched_by, window_ms)
  SELECT $1, unit_id, client_event_id, exposure_id, exposure_request_id, variant, exposed_at, post_id,
         outcome_request_id, event_type, value, occurred_at,
         CASE WHEN same_request THEN 'request' ELSE 'latest' END, $2::bigint
  FROM best
  ON CONFLICT (experiment_key, unit_id, client_event_id) DO NOTHING
  RETURNING matched_by
)
SELECT count(*)::int AS attributed, count(*) FILTER (WHERE matched_by = 'request')::int AS by_request
FROM ins`;

/**
 * Idempotent ingestion of experiment facts into PostgreSQL (schema `experiments`, see migrations/).
 *
 * Every `record*` call validates the whole batch first (RangeError, nothing written), drops repeats
 * within the batch (first one wins), and inserts the rest in statements of `batchSize` rows with
 * `ON CONFLICT DO NOTHING`. Statements are not wrapped in one transaction: after a failure part of
 * the batch may be stored, and retrying the whole batch is safe.
 */
export class ExperimentStore {
  private readonly batchSize: number;
  private readonly planGuard: boolean;

  constructor(
    private readonly pool: Pool,
    options: ExperimentStoreOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.planGuard = options.planGuard ?? true;
    if (!Number.isSafeInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError('batchSize must be a positive integer');
    }
  }

  async recordAssignments(rows: readonly AssignmentRow[]): Promise<AssignmentIngestResult> {
    validateAssignments(rows);
    const rowKey = (r: AssignmentRow): string => key(r.experimentKey, r.unitId);
    const { unique } = dedupe(rows, rowKey);
    // The variant that ends up stored for each key: the one already stored, else the first in the batch.
    const kept = new Map(unique.map((r) => [rowKey(r), r.variant]));
    let inserted = 0;
    for (const batch of chunks(unique, this.batchSize)) {
      const { rows: result } = await this.pool.query<{
        inserted: unknown;
        stored: [string, string, string][];
      }>(INSERT_ASSIGNMENTS, [
        batch.map((r) => r.experimentKey),
        batch.map((r) => r.unitId),
        batch.map((r) => r.variant),
        batch.map((r) => r.layer),
        batch.map((r) => r.bucket),
        batch.map((r) => r.hashVersion),
        batch.map((r) => r.eligibilityVersion),
        batch.map((r) => iso(r.assignedAt)),
      ]);
      inserted += count(result[0]?.inserted);
      for (const [experimentKey, unitId, variant] of result[0]?.stored ?? []) {
        kept.set(key(experimentKey, unitId), variant);
      }
    }
    const conflicts = rows.filter((r) => kept.get(rowKey(r)) !== r.variant).length;
    return { received: rows.length, inserted, duplicates: rows.length - inserted, conflicts };
  }

  async recordExposures(rows: readonly ExposureRow[]): Promise<IngestResult> {
    validateExposures(rows);
    const { unique } = dedupe(rows, (r) => r.exposureId);
    let inserted = 0;
    for (const batch of chunks(unique, this.batchSize)) {
      const result = await this.pool.query(INSERT_EXPOSURES, [
        batch.map((r) => r.exposureId),
        batch.map((r) => r.experimentKey),
        batch.map((r) => r.unitId),
        batch.map((r) => r.variant),
        batch.map((r) => r.requestId),
        batch.map((r) => r.triggered),
        batch.map((r) => r.counterfactual ?? false),
        batch.map((r) => JSON.stringify(r.versionVector ?? {})),
        batch.map((r) => iso(r.exposedAt)),
        batch.map((r) => r.latencyMs ?? null),
        batch.map((r) => r.itemsReturned ?? null),
        batch.map((r) => r.requestedItems ?? null),
      ]);
      inserted += result.rowCount ?? 0;
    }
    return { received: rows.length, inserted, duplicates: rows.length - inserted };
  }

  async recordOutcomes(rows: readonly OutcomeRow[]): Promise<IngestResult> {
    validateOutcomes(rows);
    const { unique } = dedupe(rows, (r) => key(r.unitId, r.clientEventId));
    let inserted = 0;
    for (const batch of chunks(unique, this.batchSize)) {
      const result = await this.pool.query(INSERT_OUTCOMES, [
        batch.map((r) => r.clientEventId),
        batch.map((r) => r.unitId),
        batch.map((r) => r.eventType),
        batch.map((r) => r.value ?? 1),
        batch.map((r) => r.postId),
        batch.map((r) => r.requestId),
        batch.map((r) => iso(r.occurredAt)),
        batch.map((r) => iso(r.receivedAt)),
      ]);
      inserted += result.rowCount ?? 0;
    }
    return { received: rows.length, inserted, duplicates: rows.length - inserted };
  }

  /** Records a kill-switch event (idempotent by killId). */
  async recordKill(kill: KillRow): Promise<IngestResult> {
    validateKill(kill);
    const result = await this.pool.query(INSERT_KILL, [
      kill.killId,
      kill.experimentKey,
      kill.variant,
      kill.reason,
      kill.actor,
      kill.automatic,
      iso(kill.createdAt),
    ]);
    const inserted = result.rowCount ?? 0;
    return { received: 1, inserted, duplicates: 1 - inserted };
  }

  /** Records pre-period covariates for CUPED (idempotent; the first value stored wins). */
  async recordCovariates(rows: readonly CovariateRow[]): Promise<IngestResult> {
    validateCovariates(rows);
    const { unique } = dedupe(rows, (r) => key(r.experimentKey, r.metric, r.unitId));
    let inserted = 0;
    for (const batch of chunks(unique, this.batchSize)) {
      const result = await this.pool.query(INSERT_COVARIATES, [
        batch.map((r) => r.experimentKey),
        batch.map((r) => r.metric),
        batch.map((r) => r.unitId),
        batch.map((r) => r.value),
      ]);
      inserted += result.rowCount ?? 0;
    }
    return { received: rows.length, inserted, duplicates: rows.length - inserted };
  }

  /**
   * Attributes the not-yet-attributed outcomes of units exposed to `experimentKey` to the exposure
   * that produced them (see ATTRIBUTE_OUTCOMES above): the exposure of the outcome's own request when
   * it names one (else nothing), otherwise the unit's latest exposure at or before the outcome and at
   * most `windowMs` earlier.
   * One SQL statement; idempotent (a rerun attributes 0). Append-only: an existing attribution is
   * never moved, even if an exposure that would win arrives later.
   */
  async attributeOutcomes(experimentKey: string, windowMs: number): Promise<AttributionResult> {
    if (typeof experimentKey !== 'string' || experimentKey.length === 0) {
      throw new RangeError('experimentKey must be a non-empty string');
    }
    validateWindowMs(windowMs);
    const { rows } = await guardedQuery<{ attributed: unknown; by_request: unknown }>(
      this.pool,
      this.planGuard,
      ATTRIBUTE_OUTCOMES,
      [experimentKey, windowMs],
    );
    const attributed = count(rows[0]?.attributed);
    const byRequest = count(rows[0]?.by_request);
    return { attributed, byRequest, byLatest: attributed - byRequest };
  }
}
