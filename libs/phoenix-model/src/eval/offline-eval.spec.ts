import { actionHistory } from '@foryou/world';
import { HnswIndex } from '../retrieval/hnsw-index';
import { PhoenixRuntime } from '../runtime';
import { smallWorldModel } from '../testing/tiny-model';
import { DEFAULT_EVAL_OPTIONS, EVAL_METHODS, evaluateOffline } from './offline-eval';

describe('evaluateOffline on the small world', () => {
  const { world, trained } = smallWorldModel();
  const runtime = PhoenixRuntime.create(trained.model, world);

  it('accounts for every user, keeps metrics in range, and HNSW agrees with exact search', async () => {
    const index = await HnswIndex.build(runtime.corpusEmbeddings, runtime.embedDim);
    const report = await evaluateOffline(world, runtime, index, actionHistory(world), {
      ...DEFAULT_EVAL_OPTIONS,
      maxUsersPerSlice: 60,
    });
    const { users } = report;
    expect(users.withRelevant + users.excludedNoRelevant).toBe(world.users.size);
    expect(users.excludedNoRelevant).toBeGreaterThan(0);
    for (const slice of ['new', 'established'] as const) {
      expect(users.evaluated[slice]).toBe(Math.min(60, users.available[slice]));
      const s = report.slices[slice];
      expect(s.users).toBe(users.evaluated[slice]);
      for (const method of EVAL_METHODS) {
        for (const k of report.ks) {
          const { recall, ndcg } = s.methods[method][String(k)]!;
          expect(recall.n + recall.excluded).toBe(s.users);
          expect(recall.excluded).toBe(0); // |R| = 0 users never reach the averages
          for (const v of [recall.mean, ndcg.mean]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
          }
        }
      }
      // Recall can only grow with K.
      const r = report.ks.map((k) => s.methods.feed_phoenix[String(k)]!.recall.mean);
      expect([...r].sort((a, b) => a - b)).toEqual(r);
      expect(s.annRecall['10']!.mean).toBeGreaterThan(0.9);
    }
    expect(report.modelVersion).toBe(trained.model.version);
  });
});
