/**
 * @foryou/phoenix-model — Phoenix's small, seeded models and their offline evaluation: a two-tower
 * retrieval model (candidate tower over post features, user tower over the engagement sequence), a
 * multi-head ranker over (user context, one candidate) features, versioned artifacts, exact and HNSW
 * top-K search, and Recall/NDCG metrics. Used by apps/phoenix (serving) and apps/cli (train, eval).
 */
export { MODEL_CODE_VERSION } from './version';
export { type ModelSpec, type ModelParams, RANK_FEATURES, HEADS } from './model-spec';
export type { PhoenixModel } from './model';
export { l2NormalizeInPlace, type Vec } from './math/vector';
export { compareHits, type Hit, TopK } from './math/top-k';
export { buildCorpus, authorVocabulary, type PostCorpus } from './towers/corpus';
export { SEQUENCE_ACTION_WEIGHTS, type SequenceAction, usableSequence } from './towers/user-sequence';
export { type UserContext } from './ranking/user-context';
export { FEATURE_COUNT, writeFeatures } from './ranking/features';
export { CorpusMismatchError, PhoenixRuntime, type Prediction, type RankInput } from './runtime';
export { DEFAULT_ACTION_WEIGHTS, weightedScore } from './scoring';
export { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from './training/config';
export {
  type EpochProgress,
  type TrainedModel,
  type TrainingReport,
  type TrainOptions,
  trainPhoenix,
} from './training/train';
export { ArtifactInvalidError, decodeModel, encodeModel, modelVersionOf, sha256Hex } from './artifacts/codec';
export {
  type ArtifactManifest,
  ArtifactMissingError,
  artifactDir,
  loadArtifacts,
  MANIFEST_FILE,
  MODEL_FILE,
  writeArtifacts,
} from './artifacts/store';
export {
  annSearch,
  type AnnIndex,
  exactSearch,
  type SearchBudget,
  type SearchCorpus,
  type SearchResult,
  UNBOUNDED,
} from './retrieval/search';
export { DEFAULT_HNSW, HnswIndex, type HnswParams, hnswIndexPath } from './retrieval/hnsw-index';
export { type CachedIndex, loadOrBuildIndex } from './retrieval/index-cache';
export { binaryGains, type MetricSummary, ndcgAtK, recallAtK, summarize } from './metrics/ranking-metrics';
export { type EvalUser, type Slice } from './eval/ground-truth';
export {
  DEFAULT_EVAL_OPTIONS,
  EVAL_METHODS,
  type EvalMethod,
  type EvalOptions,
  type EvalReport,
  evaluateOffline,
  type MethodMetrics,
  type SliceReport,
} from './eval/offline-eval';
