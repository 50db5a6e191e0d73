// @foryou/experiments-store — PostgreSQL store for experiments: idempotent ingestion of assignments,
// exposures, outcomes, kills and covariates; one-statement attribution; per-arm sufficient statistics
// computed in SQL for @foryou/experiments-stats. See README.md.
export {
  OUTCOME_EVENT_TYPES,
  type AssignmentIngestResult,
  type AssignmentRow,
  type AttributionResult,
  type CovariateRow,
  type ExposureRow,
  type IngestResult,
  type KillRow,
  type OutcomeEventType,
  type OutcomeRow,
  type TimeWindow,
} from './types';
export { isOutcomeEventType } from './validate';
export {
  loadMigrations,
  migrate,
  MIGRATIONS_DIR,
  type MigrateOptions,
  type Migration,
  type MigrationReport,
} from './migrate';
export { ExperimentStore, type ExperimentStoreOptions } from './store';
export {
  ExperimentAnalysis,
  univariateOf,
  unitMomentsSql,
  type AnalysisScope,
  type ArmCounts,
  type CumulativeMomentsResult,
  type DailyArmCounts,
  type ExposureSpan,
  type ExperimentAnalysisOptions,
  type FunnelCounts,
  type MetricAggregate,
  type MetricDefinition,
  type MomentsResult,
  type MultipleExposureCounts,
  type PeriodResult,
  type QuantileArm,
  type QuantileMetric,
  type QuantileResult,
  type ResolvedWindow,
} from './analysis';
export { SERVING_SIGNAL_KINDS, servingSignalSql, validateServingMetric, type ServingSignal } from './serving';
export {
  quantileBoundsSql,
  quantileEstimateSql,
  type BoundFractions,
  type QuantileSignal,
} from './quantile-sql';
export {
  cumulativeMultiSql,
  indexMetrics,
  multiMomentsSql,
  type MetricIndex,
  type MetricPair,
} from './multi-sql';
export { splitAtKills, type AnalysisPeriod } from './periods';
export { guardedQuery } from './pg-util';
export {
  adminUrl,
  createScratchDatabase,
  dropDatabase,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './scratch-database';
export {
  mulberry32,
  syntheticConfig,
  syntheticDataset,
  syntheticUnit,
  syntheticUnitCount,
  syntheticUnits,
  type SyntheticArm,
  type SyntheticConfig,
  type SyntheticDataset,
  type SyntheticServing,
  type SyntheticUnit,
} from './synthetic';
export {
  ASSIGNMENT_COLUMNS,
  assignmentLine,
  copyField,
  copyLine,
  copyLines,
  COVARIATE_COLUMNS,
  covariateLine,
  EXPOSURE_COLUMNS,
  EXPOSURE_SERVING_COLUMNS,
  exposureLine,
  exposureServingLine,
  OUTCOME_COLUMNS,
  outcomeLine,
  type CopyValue,
} from './copy';
