-- 0001: the raw facts of an experiment — who was assigned, who was exposed, what they did, and when an
-- experiment or an arm was killed. Every table is append-only and keyed by the producer's own id, so
-- ingestion is idempotent (INSERT ... ON CONFLICT DO NOTHING) and a replayed batch changes nothing.
-- Column names are snake_case; the TypeScript API maps them to camelCase (src/types.ts).

CREATE SCHEMA IF NOT EXISTS experiments;
COMMENT ON SCHEMA experiments IS
  'Experimentation store: assignments, exposures, outcomes, attributions, kills, pre-period covariates (@foryou/experiments-store).';

-- Assignments -------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS experiments.assignments (
  experiment_key      text        NOT NULL,
  unit_id             text        NOT NULL,
  variant             text        NOT NULL,
  layer               text        NOT NULL,
  bucket              integer     NOT NULL CHECK (bucket >= 0),
  hash_version        integer     NOT NULL,
  eligibility_version integer     NOT NULL,
  assigned_at         timestamptz NOT NULL,
  CONSTRAINT assignments_pkey PRIMARY KEY (experiment_key, unit_id)
);
COMMENT ON TABLE experiments.assignments IS
  'One row per (experiment, randomization unit): the arm the unit was bucketed into. A unit is assigned once; a replay with another variant is kept out by the primary key and reported as a conflict by the ingestion API.';
COMMENT ON COLUMN experiments.assignments.unit_id IS 'Randomization unit (the viewer/user id).';
COMMENT ON COLUMN experiments.assignments.variant IS 'Assigned arm. The intent-to-treat analysis groups units by this column.';
COMMENT ON COLUMN experiments.assignments.layer IS 'Mutual-exclusion layer the experiment lives in.';
COMMENT ON COLUMN experiments.assignments.bucket IS 'Hash bucket the unit fell into (e.g. 0..9999).';
COMMENT ON COLUMN experiments.assignments.hash_version IS 'Version of the hashing scheme; a change re-buckets units.';
COMMENT ON COLUMN experiments.assignments.eligibility_version IS 'Version of the targeting/eligibility rules evaluated at assignment.';

-- Exposures ---------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS experiments.exposures (
  exposure_id    text        NOT NULL,
  experiment_key text        NOT NULL,
  unit_id        text        NOT NULL,
  variant        text        NOT NULL,
  request_id     text,
  triggered      boolean     NOT NULL,
  counterfactual boolean     NOT NULL DEFAULT false,
  version_vector jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(version_vector) = 'object'),
  exposed_at     timestamptz NOT NULL,
  CONSTRAINT exposures_pkey PRIMARY KEY (exposure_id)
);
COMMENT ON TABLE experiments.exposures IS
  'Every exposure event (a unit reached the experiment''s code path in a request), deduplicated by exposure_id. Several rows per unit are normal; the first one is derived (view first_exposures). Rows of one unit with more than one distinct variant are multiple exposures (crossovers).';
COMMENT ON COLUMN experiments.exposures.exposure_id IS 'Producer event id; the idempotency key of ingestion.';
COMMENT ON COLUMN experiments.exposures.variant IS 'Arm the unit was actually served in this request (may differ from the assignment when something is broken).';
COMMENT ON COLUMN experiments.exposures.request_id IS 'Feed request that produced the exposure; outcomes carrying the same request_id are attributed to it first.';
COMMENT ON COLUMN experiments.exposures.triggered IS 'The request reached the trigger condition (treatment would change what is served). Defines the triggered population.';
COMMENT ON COLUMN experiments.exposures.counterfactual IS 'Logged counterfactually (e.g. in control: what treatment would have done) rather than actually served.';
COMMENT ON COLUMN experiments.exposures.version_vector IS 'Versions of the models/configs/rankers that served the request, as a JSON object.';

-- Outcomes ----------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS experiments.outcomes (
  client_event_id text             NOT NULL,
  unit_id         text             NOT NULL,
  event_type      text             NOT NULL,
  value           double precision NOT NULL DEFAULT 1,
  post_id         text,
  request_id      text,
  occurred_at     timestamptz      NOT NULL,
  received_at     timestamptz      NOT NULL,
  CONSTRAINT outcomes_pkey PRIMARY KEY (unit_id, client_event_id),
  CONSTRAINT outcomes_event_type_check CHECK (event_type IN (
    'favorite', 'reply', 'repost', 'click', 'dwell', 'hide', 'report', 'not_interested', 'block_author', 'mute_author'
  )),
  -- Rejects NaN and ±Infinity (in PostgreSQL NaN sorts above every number, so it fails the upper bound).
  CONSTRAINT outcomes_value_finite CHECK (value > '-Infinity'::float8 AND value < 'Infinity'::float8)
);
COMMENT ON TABLE experiments.outcomes IS
  'Engagement events reported by clients, deduplicated by (unit_id, client_event_id). Experiment-agnostic: attribution links them to experiments.';
COMMENT ON COLUMN experiments.outcomes.value IS 'Numeric payload: 1 for discrete actions, milliseconds for dwell.';
COMMENT ON COLUMN experiments.outcomes.occurred_at IS 'Client event time; attribution compares it with exposed_at.';
COMMENT ON COLUMN experiments.outcomes.received_at IS 'Server receive time (late-arrival diagnostics).';

-- Kills -------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS experiments.kills (
  kill_id        text        NOT NULL,
  experiment_key text        NOT NULL,
  variant        text,
  reason         text        NOT NULL,
  actor          text        NOT NULL,
  automatic      boolean     NOT NULL,
  created_at     timestamptz NOT NULL,
  CONSTRAINT kills_pkey PRIMARY KEY (kill_id)
);
COMMENT ON TABLE experiments.kills IS
  'Kill-switch events. Each kill splits the analysis window into the periods before and after it.';
COMMENT ON COLUMN experiments.kills.variant IS 'Killed arm; NULL when the whole experiment was killed.';
COMMENT ON COLUMN experiments.kills.automatic IS 'true when a guardrail fired it, false for a human.';

-- Pre-period covariates (CUPED) -------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS experiments.pre_period_covariates (
  experiment_key text             NOT NULL,
  metric         text             NOT NULL,
  unit_id        text             NOT NULL,
  value          double precision NOT NULL CHECK (value > '-Infinity'::float8 AND value < 'Infinity'::float8),
  CONSTRAINT pre_period_covariates_pkey PRIMARY KEY (experiment_key, metric, unit_id)
);
COMMENT ON TABLE experiments.pre_period_covariates IS
  'Per-unit value of a metric over the pre-experiment period, the CUPED covariate x. A missing row means x = 0.';

-- First exposure per (experiment, unit) -----------------------------------------------------------
-- Earliest exposed_at; ties broken by exposure_id in byte order (COLLATE "C"), so the answer does not
-- depend on the database collation. experiment_key is in the DISTINCT ON list so that a filter on it
-- is pushed down into the view.
CREATE OR REPLACE VIEW experiments.first_exposures AS
SELECT DISTINCT ON (x.experiment_key, x.unit_id)
       x.experiment_key, x.unit_id, x.exposure_id, x.variant, x.request_id, x.triggered, x.counterfactual,
       x.exposed_at
FROM experiments.exposures x
ORDER BY x.experiment_key, x.unit_id, x.exposed_at, x.exposure_id COLLATE "C";
COMMENT ON VIEW experiments.first_exposures IS
  'The first exposure of each unit in each experiment (earliest exposed_at, then smallest exposure_id in byte order).';
