-- 0004: the serving facts of the request that produced each exposure, as home-mixer recorded them, for
-- the `source: serving` metrics of experiment definitions (latency, empty and short feeds). Nullable:
-- exposures logged before this migration, or by producers that do not know them, have NULL (a NULL
-- fact counts as "not recorded": 0 in sums and counts, absent from quantiles).
-- Adding nullable columns without a default is a catalog-only change. The CHECKs are added NOT VALID
-- so that this migration does not scan the table (every existing row is NULL, which passes anyway);
-- new and updated rows are checked.

ALTER TABLE experiments.exposures
  ADD COLUMN IF NOT EXISTS latency_ms      double precision,
  ADD COLUMN IF NOT EXISTS items_returned  integer,
  ADD COLUMN IF NOT EXISTS requested_items integer;

ALTER TABLE experiments.exposures
  ADD CONSTRAINT exposures_latency_ms_check
    CHECK (latency_ms >= 0 AND latency_ms < 'Infinity'::float8) NOT VALID,
  ADD CONSTRAINT exposures_items_returned_check CHECK (items_returned >= 0) NOT VALID,
  ADD CONSTRAINT exposures_requested_items_check CHECK (requested_items >= 0) NOT VALID;

COMMENT ON COLUMN experiments.exposures.latency_ms IS
  'Serving: latency of the feed request that produced the exposure, in ms (NULL = not recorded).';
COMMENT ON COLUMN experiments.exposures.items_returned IS
  'Serving: posts the request returned (0 = empty feed; NULL = not recorded).';
COMMENT ON COLUMN experiments.exposures.requested_items IS
  'Serving: posts the client asked for (items_returned < requested_items = short feed; NULL = not recorded).';
