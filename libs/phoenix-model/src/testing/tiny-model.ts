import { actionHistory, generateWorld, type World } from '@foryou/world';
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from '../training/config';
import { type TrainedModel, trainPhoenix } from '../training/train';

/** A quick training config for tests: the default architecture, few steps. */
export const TINY_CONFIG: TrainingConfig = {
  ...DEFAULT_TRAINING_CONFIG,
  retrieval: {
    ...DEFAULT_TRAINING_CONFIG.retrieval,
    epochs: 2,
    pairsPerEpoch: 1024,
    batchSize: 64,
    randomNegatives: 32,
  },
  ranking: { ...DEFAULT_TRAINING_CONFIG.ranking, epochs: 2 },
};

let cached: { world: World; trained: TrainedModel } | undefined;

/** The small world (seed 42) and a model trained on it with TINY_CONFIG; built once per test file. */
export function smallWorldModel(): { world: World; trained: TrainedModel } {
  if (!cached) {
    const world = generateWorld({ seed: 42, scale: 'small' });
    actionHistory(world);
    cached = { world, trained: trainPhoenix(world, { config: TINY_CONFIG }) };
  }
  return cached;
}
