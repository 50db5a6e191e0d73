/**
 * Phoenix's span attribute keys (shared keys come from `Attr` in @foryou/telemetry). Values are
 * bounded except where a key says it is an id.
 */
export const PhoenixAttr = {
  k: 'foryou.phoenix.k',
  index: 'foryou.phoenix.index',
  retrievalStatus: 'foryou.phoenix.retrieval.status',
  postsReturned: 'foryou.phoenix.posts.returned',
  sequenceLength: 'foryou.phoenix.sequence.length',
  candidates: 'foryou.phoenix.candidates',
  unscored: 'foryou.phoenix.candidates.unscored',
  modelVersion: 'foryou.phoenix.model_version',
  corpusVersion: 'foryou.phoenix.corpus_version',
  deadlineBudgetMs: 'foryou.phoenix.deadline.budget_ms',
} as const;
