import { DEFAULT_TRAINING_CONFIG, HnswIndex, PhoenixRuntime, trainPhoenix } from '@foryou/phoenix-model';
import { generateWorld, type World } from '@foryou/world';

let cached: Promise<{ world: World; runtime: PhoenixRuntime; index: HnswIndex }> | undefined;

/** The small world with a quickly trained model and its HNSW index; built once per test file. */
export function smallRuntime(): Promise<{ world: World; runtime: PhoenixRuntime; index: HnswIndex }> {
  cached ??= (async () => {
    const world = generateWorld({ seed: 42, scale: 'small' });
    const { model } = trainPhoenix(world, {
      config: {
        ...DEFAULT_TRAINING_CONFIG,
        retrieval: { ...DEFAULT_TRAINING_CONFIG.retrieval, epochs: 1, pairsPerEpoch: 512 },
        ranking: { ...DEFAULT_TRAINING_CONFIG.ranking, epochs: 1 },
      },
    });
    const runtime = PhoenixRuntime.create(model, world);
    const index = await HnswIndex.build(runtime.corpusEmbeddings, runtime.embedDim);
    return { world, runtime, index };
  })();
  return cached;
}
