import { ACTION_LOG, type ActionHistory, actionHistory, createRng, type World } from '@foryou/world';
import { encodeModel, modelVersionOf, sha256Hex } from '../artifacts/codec';
import { initParams, type ModelSpec } from '../model-spec';
import type { PhoenixModel } from '../model';
import { embedCorpus } from '../towers/candidate-tower';
import { authorVocabulary, buildCorpus } from '../towers/corpus';
import { MODEL_CODE_VERSION } from '../version';
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from './config';
import { buildTrainingData } from './examples';
import { baseRateLoss, baseRates, featureMatrix, rankingLoss, trainRanking } from './ranking-trainer';
import { trainRetrieval } from './retrieval-trainer';

/** What a training run did; stored in the artifact manifest. */
export interface TrainingReport {
  readonly config: TrainingConfig;
  /** The engagement log trained on: `ACTION_LOG`, or null for a history supplied by the caller. */
  readonly actionLog: { readonly seed: number; readonly impressionsPerUser: number } | null;
  readonly trainCutoffMs: number;
  readonly sizes: {
    readonly trainEvents: number;
    readonly holdoutEvents: number;
    readonly retrievalPairs: number;
    readonly corpus: number;
    readonly authors: number;
  };
  readonly losses: {
    /** Mean sampled-softmax loss per epoch. */
    readonly retrieval: readonly number[];
    /** Mean per-head BCE per epoch (train impressions). */
    readonly ranking: readonly number[];
    /** Mean per-head BCE of the final ranker on the holdout impressions. */
    readonly rankingHoldout: number;
    /** The same for the constant base-rate predictor (train rates): the bar the ranker must clear. */
    readonly rankingHoldoutBaseRate: number;
  };
  readonly timingsMs: {
    readonly data: number;
    readonly retrieval: number;
    readonly ranking: number;
    readonly total: number;
  };
}

export interface TrainedModel {
  readonly model: PhoenixModel;
  readonly report: TrainingReport;
}

/** Progress of a training run: one call per finished epoch. */
export interface EpochProgress {
  readonly phase: 'retrieval' | 'ranking';
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
}

export interface TrainOptions {
  readonly config?: TrainingConfig;
  /** Defaults to `actionHistory(world)`. */
  readonly history?: ActionHistory;
  readonly onEpoch?: (progress: EpochProgress) => void;
}

/**
 * Trains the two towers, then the ranker (whose similarity feature uses the trained towers), on the
 * events before the history's cutoff. Deterministic for (world, history, config): same bytes, same
 * version.
 */
export function trainPhoenix(world: World, options: TrainOptions = {}): TrainedModel {
  const t0 = performance.now();
  const config = options.config ?? DEFAULT_TRAINING_CONFIG;
  const history = options.history ?? actionHistory(world);
  const spec: ModelSpec = {
    contentDim: world.config.embeddingDim,
    topics: world.config.topics,
    ...config.architecture,
  };
  const authors = authorVocabulary(world);
  const corpus = buildCorpus(world, authors);
  const rng = createRng(config.seed);
  const params = initParams(spec, authors.length, rng);
  const data = buildTrainingData(world, corpus, history, spec.seqLen);
  const t1 = performance.now();

  const retrievalLosses = trainRetrieval(
    spec,
    params,
    corpus,
    data.pairs,
    config.retrieval,
    rng,
    (epoch, loss) => options.onEpoch?.({ phase: 'retrieval', epoch, epochs: config.retrieval.epochs, loss }),
  );
  const t2 = performance.now();

  const corpusEmb = embedCorpus(spec, params, corpus);
  const x = featureMatrix(spec, params, corpus, corpusEmb, history, data.impressions);
  const rankingLosses = trainRanking(spec, params, x, data.impressions, config.ranking, rng, (epoch, loss) =>
    options.onEpoch?.({ phase: 'ranking', epoch, epochs: config.ranking.epochs, loss }),
  );
  const holdoutX = featureMatrix(spec, params, corpus, corpusEmb, history, data.holdoutImpressions);
  const rankingHoldout = rankingLoss(spec, params, holdoutX, data.holdoutImpressions);
  const rankingHoldoutBaseRate = baseRateLoss(baseRates(data.impressions), data.holdoutImpressions);
  const t3 = performance.now();

  const checksum = sha256Hex(encodeModel(spec, params, authors));
  const model: PhoenixModel = {
    version: modelVersionOf(checksum),
    codeVersion: MODEL_CODE_VERSION,
    corpusVersion: world.version,
    spec,
    params,
    authors,
  };
  const report: TrainingReport = {
    config,
    actionLog: options.history ? null : { ...ACTION_LOG },
    trainCutoffMs: history.trainCutoffMs,
    sizes: {
      trainEvents: data.impressions.length,
      holdoutEvents: data.holdoutImpressions.length,
      retrievalPairs: data.pairs.length,
      corpus: corpus.size,
      authors: authors.length,
    },
    losses: { retrieval: retrievalLosses, ranking: rankingLosses, rankingHoldout, rankingHoldoutBaseRate },
    timingsMs: {
      data: Math.round(t1 - t0),
      retrieval: Math.round(t2 - t1),
      ranking: Math.round(t3 - t2),
      total: Math.round(performance.now() - t0),
    },
  };
  return { model, report };
}
