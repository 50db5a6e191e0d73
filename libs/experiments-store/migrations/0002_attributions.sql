-- 0002: attribution of outcomes to experiment exposures. Derived data, written by ONE statement
-- (ExperimentStore.attributeOutcomes): an outcome goes to the unit's latest exposure of the experiment
-- at or before the outcome and within the attribution window, preferring an exposure of the same
-- request. The primary key makes it one attribution per (experiment, outcome): an outcome whose post
-- reached the unit through two sources (two exposures of the same request, or two candidate sources)
-- is still counted once, and a rerun inserts nothing.
-- The outcome's fields are copied in, so the analysis queries read this table alone.

CREATE TABLE IF NOT EXISTS experiments.attributions (
  experiment_key      text             NOT NULL,
  unit_id             text             NOT NULL,
  client_event_id     text             NOT NULL,
  exposure_id         text             NOT NULL,
  exposure_request_id text,
  variant             text             NOT NULL,
  exposed_at          timestamptz      NOT NULL,
  post_id             text,
  outcome_request_id  text,
  event_type          text             NOT NULL,
  value               double precision NOT NULL,
  occurred_at         timestamptz      NOT NULL,
  matched_by          text             NOT NULL CHECK (matched_by IN ('request', 'latest')),
  window_ms           bigint           NOT NULL CHECK (window_ms > 0),
  attributed_at       timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT attributions_pkey PRIMARY KEY (experiment_key, unit_id, client_event_id)
);
COMMENT ON TABLE experiments.attributions IS
  'One row per (experiment, outcome): the exposure (request, candidate post) that produced the outcome. Append-only; the first attribution wins.';
COMMENT ON COLUMN experiments.attributions.variant IS 'Variant of the attributed exposure (the analysis arm comes from assignments).';
COMMENT ON COLUMN experiments.attributions.exposed_at IS 'Time of the attributed exposure; analysis windows select outcomes by this time.';
COMMENT ON COLUMN experiments.attributions.post_id IS 'The candidate: the post the outcome was about (from the outcome).';
COMMENT ON COLUMN experiments.attributions.matched_by IS '''request'': exposure of the same request as the outcome; ''latest'': latest exposure in the window.';
COMMENT ON COLUMN experiments.attributions.window_ms IS 'Attribution window the row was produced with.';
