/**
 * The experiment event contracts (book 6.7.4): assignment, exposure and outcome are three different
 * facts and are logged as three different events, plus the kill record. Wire/storage shapes use
 * snake_case and carry a `schema_version`; a reader rejects versions it does not know.
 */
import { z } from 'zod';

export const ASSIGNMENT_RECORD_SCHEMA_VERSION = 'experiment-assignment-v1';
export const EXPOSURE_EVENT_SCHEMA_VERSION = 'experiment-exposure-v1';
export const OUTCOME_EVENT_SCHEMA_VERSION = 'experiment-outcome-v1';
export const KILL_RECORD_SCHEMA_VERSION = 'experiment-kill-v1';

/** Experiment, layer and variant keys: lower-case slugs. */
export const KeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a lower-case slug: [a-z][a-z0-9_-]{0,62}');

const IdSchema = z.string().min(1).max(256);
const EpochMsSchema = z.int().nonnegative();

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
export const OutcomeEventTypeSchema = z.enum(OUTCOME_EVENT_TYPES);
export type OutcomeEventType = z.infer<typeof OutcomeEventTypeSchema>;

/**
 * A unit entered an experiment's analysis population in a variant. Written for units with
 * `inAnalysis: true` only (see `toAssignmentRecord`); idempotent on (experiment_key, unit_id).
 */
export const AssignmentRecordSchema = z.strictObject({
  schema_version: z.literal(ASSIGNMENT_RECORD_SCHEMA_VERSION),
  experiment_key: KeySchema,
  unit_id: IdSchema,
  variant: KeySchema,
  layer: KeySchema,
  /** The unit's variant bucket in [0, 10000) (v2 hash of the experiment seed and the unit id). */
  bucket: z.int().min(0).max(9999),
  hash_version: z.literal(2),
  eligibility_version: z.int().min(1),
  assigned_at_ms: EpochMsSchema,
});
export type AssignmentRecord = z.infer<typeof AssignmentRecordSchema>;

/** The serving facts of the request behind an exposure; the source of `source: serving` metrics. */
export const ServingFactsSchema = z.strictObject({
  /** Time from the request's entry to its response being ready, in ms. */
  latency_ms: z.number().finite().nonnegative(),
  /** Items the response returned (posts, ads and modules: what fills the client's page). */
  items_returned: z.int().nonnegative(),
  /** Items the client asked for (`limit`): fewer returned = a short feed, none = an empty feed. */
  requested_items: z.int().nonnegative(),
});
export type ServingFacts = z.infer<typeof ServingFactsSchema>;

/**
 * A request in which the experiment could have acted. `triggered` says the trigger condition held (it is
 * computed identically in every arm); `counterfactual` marks a triggered CONTROL exposure: control did
 * not act, but logs that treatment would have. Idempotent on `exposure_id`.
 */
export const ExposureEventSchema = z
  .strictObject({
    schema_version: z.literal(EXPOSURE_EVENT_SCHEMA_VERSION),
    exposure_id: IdSchema,
    experiment_key: KeySchema,
    unit_id: IdSchema,
    variant: KeySchema,
    request_id: IdSchema,
    triggered: z.boolean(),
    counterfactual: z.boolean(),
    /** The code/schema/params/model/corpus versions that served the request. */
    version_vector: z.record(z.string(), z.string()),
    exposed_at_ms: EpochMsSchema,
    /** What the request served (the `serving` metrics: latency, empty and short feeds). */
    serving: ServingFactsSchema.optional(),
  })
  .refine((e) => !e.counterfactual || e.triggered, {
    message: 'a counterfactual exposure is a triggered one',
    path: ['counterfactual'],
  });
export type ExposureEvent = z.infer<typeof ExposureEventSchema>;

/**
 * Something the viewer did after being served. `client_event_id` is the client's idempotency key (a
 * retried upload keeps it; two real actions never share it). `value` is 1 for counted actions and the
 * duration in ms for `dwell`.
 */
export const OutcomeEventSchema = z.strictObject({
  schema_version: z.literal(OUTCOME_EVENT_SCHEMA_VERSION),
  client_event_id: IdSchema,
  unit_id: IdSchema,
  event_type: OutcomeEventTypeSchema,
  value: z.number().nonnegative(),
  post_id: IdSchema,
  /** The request that served the post: outcomes join exposures on it, never on user+item+day. */
  request_id: IdSchema,
  occurred_at_ms: EpochMsSchema,
});
export type OutcomeEvent = z.infer<typeof OutcomeEventSchema>;

/**
 * An experiment (variant: null) or one variant was killed. Kills are append-only and permanent for the
 * definition they hit: restarting means a new experiment (new key and seed). Killing `control` kills
 * the whole experiment.
 */
export const KillRecordSchema = z.strictObject({
  schema_version: z.literal(KILL_RECORD_SCHEMA_VERSION),
  kill_id: IdSchema,
  experiment_key: KeySchema,
  variant: KeySchema.nullable(),
  reason: z.string().min(1),
  /** Who pulled it: a person, or the automation (e.g. `guardrail-monitor`) when `automatic`. */
  actor: z.string().min(1),
  automatic: z.boolean(),
  created_at_ms: EpochMsSchema,
});
export type KillRecord = z.infer<typeof KillRecordSchema>;
