-- 0003: secondary indexes for attribution and the analysis queries (src/analysis.ts).

-- Per-unit exposure history. Serves: the attribution lookup (latest exposure of a unit before a time),
-- first_exposures (DISTINCT ON in index order, no sort), and the per-unit aggregation of the metric
-- queries. The INCLUDE columns make all of these index-only scans.
CREATE INDEX IF NOT EXISTS exposures_unit_history_idx
  ON experiments.exposures (experiment_key, unit_id, exposed_at, exposure_id COLLATE "C")
  INCLUDE (variant, request_id, triggered, counterfactual);
COMMENT ON INDEX experiments.exposures_unit_history_idx IS
  'Attribution lookup, first exposure per unit, per-unit aggregation (index-only).';

-- Time-window restriction (periods split at kills, per-day counts) and the start of an experiment.
CREATE INDEX IF NOT EXISTS exposures_time_idx ON experiments.exposures (experiment_key, exposed_at);
COMMENT ON INDEX experiments.exposures_time_idx IS 'Window restriction and min(exposed_at) of an experiment.';

-- Assignment counts per arm, optionally by assignment time (SRM, funnel).
CREATE INDEX IF NOT EXISTS assignments_arm_idx
  ON experiments.assignments (experiment_key, variant, assigned_at);
COMMENT ON INDEX experiments.assignments_arm_idx IS 'SRM counts per arm and window (index-only).';

-- Attribution only looks at outcomes after the experiment started.
CREATE INDEX IF NOT EXISTS outcomes_occurred_idx ON experiments.outcomes (occurred_at);
COMMENT ON INDEX experiments.outcomes_occurred_idx IS 'Attribution: outcomes since the first exposure of an experiment.';

-- Per-unit outcome aggregation for a metric (event types) inside a window.
CREATE INDEX IF NOT EXISTS attributions_metric_idx
  ON experiments.attributions (experiment_key, event_type, unit_id)
  INCLUDE (value, occurred_at, exposed_at);
COMMENT ON INDEX experiments.attributions_metric_idx IS 'Metric queries: outcomes of some event types per unit (index-only).';

-- Kills of an experiment in time order (analysis periods).
CREATE INDEX IF NOT EXISTS kills_experiment_idx ON experiments.kills (experiment_key, created_at);
COMMENT ON INDEX experiments.kills_experiment_idx IS 'Kills of an experiment in time order.';
