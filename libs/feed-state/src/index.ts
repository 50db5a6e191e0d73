export {
  CANDIDATE_CACHE_JOB,
  CANDIDATE_CACHE_VERSION,
  InMemoryCandidateCacheRepository,
  RedisCandidateCacheRepository,
  type CachedPost,
  type CandidateCacheRepository,
  type CandidateCacheWrite,
} from './candidate-cache';
export {
  candidateCacheJob,
  candidateCacheWork,
  envelopeFor,
  FEED_JOBS,
  PRODUCED_JOB_TYPES,
  servedCandidatesJob,
  servedCandidatesWork,
  servedHistoryJob,
  servedHistoryWork,
  type DurableWork,
  type EnvelopeContext,
} from './jobs/feed-jobs';
export {
  classifySinkError,
  EXPERIMENT_EXPOSURES_JOB,
  experimentExposuresJob,
  experimentExposuresWork,
  MAX_EXPOSURES_PER_JOB,
  toExposureSinkRow,
  type ExperimentExposures,
  type ExposureSink,
  type ExposureSinkRow,
} from './jobs/experiment-exposures';
export {
  reconcileServedHistory,
  type Mismatch,
  type ReconcileOptions,
  type ReconcileReport,
} from './reconciler';
export {
  SERVED_CANDIDATES_JOB,
  SERVED_CANDIDATES_STREAM,
  InMemoryServedCandidatesLog,
  ServedCandidatesLog,
  type ServedCandidatesRepository,
  type LoggedServedItem,
  type ServedCandidatesRecord,
  type ServedItem,
} from './served-candidates';
export {
  historyKey,
  INBOX_TTL_SECONDS,
  InMemoryServedHistoryRepository,
  RedisServedHistoryRepository,
  SERVED_HISTORY_JOB,
  type ServedHistoryEntry,
  type ServedHistoryRepository,
  type ServedHistoryUpdate,
} from './served-history';
