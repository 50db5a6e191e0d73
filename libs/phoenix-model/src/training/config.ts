import type { ModelSpec } from '../model-spec';

/** Everything that determines a training run besides the world (recorded in the artifact). */
export interface TrainingConfig {
  /** Seed of every random choice in training (initialisation, shuffles, negatives). */
  readonly seed: number;
  readonly architecture: Omit<ModelSpec, 'contentDim' | 'topics'>;
  readonly retrieval: {
    readonly epochs: number;
    /** Pairs visited per epoch at most (a fresh seeded sample each epoch): bounds training time. */
    readonly pairsPerEpoch: number;
    /** (user, engaged post) pairs per step; the other pairs' posts are in-batch negatives. */
    readonly batchSize: number;
    /** Extra uniformly sampled corpus negatives per step, shared by the batch. */
    readonly randomNegatives: number;
    /** Softmax temperature τ: logits are cos / τ. */
    readonly temperature: number;
    readonly learningRate: number;
    /** Subtract log(expected sampling count) from each candidate's logit (sampling-bias correction). */
    readonly logQCorrection: boolean;
  };
  readonly ranking: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
  };
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = Object.freeze({
  seed: 1,
  architecture: Object.freeze({ authorDim: 16, towerHidden: 32, embedDim: 32, seqLen: 32, rankHidden: 16 }),
  retrieval: Object.freeze({
    epochs: 2,
    pairsPerEpoch: 24_576,
    batchSize: 128,
    randomNegatives: 64,
    temperature: 0.1,
    learningRate: 0.01,
    logQCorrection: true,
  }),
  ranking: Object.freeze({ epochs: 2, batchSize: 256, learningRate: 0.003 }),
});
