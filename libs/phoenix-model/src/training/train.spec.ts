import { encodeModel } from '../artifacts/codec';
import { trainPhoenix } from './train';
import { smallWorldModel, TINY_CONFIG } from '../testing/tiny-model';

describe('trainPhoenix', () => {
  const { world, trained } = smallWorldModel();

  it('is deterministic for a seed: identical weights, identical version', () => {
    const again = trainPhoenix(world, { config: TINY_CONFIG });
    expect(again.model.version).toBe(trained.model.version);
    expect(encodeModel(again.model.spec, again.model.params, again.model.authors)).toEqual(
      encodeModel(trained.model.spec, trained.model.params, trained.model.authors),
    );
    expect(again.report.losses).toEqual(trained.report.losses);
  });

  it('another seed gives another model', () => {
    const other = trainPhoenix(world, { config: { ...TINY_CONFIG, seed: 2 } });
    expect(other.model.version).not.toBe(trained.model.version);
  });

  it('decreases both losses, and the ranker beats the base-rate model on held-out impressions', () => {
    const { retrieval, ranking, rankingHoldout, rankingHoldoutBaseRate } = trained.report.losses;
    expect(retrieval).toHaveLength(TINY_CONFIG.retrieval.epochs);
    expect(retrieval[retrieval.length - 1]!).toBeLessThan(retrieval[0]!);
    expect(ranking[ranking.length - 1]!).toBeLessThan(ranking[0]!);
    expect(rankingHoldout).toBeLessThan(rankingHoldoutBaseRate);
  });

  it('reports what it trained on: train/holdout split by time, version tied to the corpus', () => {
    const { sizes, trainCutoffMs, actionLog } = trained.report;
    expect(trained.model.corpusVersion).toBe(world.version);
    expect(trained.model.version).toMatch(/^phoenix-v1-[0-9a-f]{12}$/);
    expect(sizes.trainEvents + sizes.holdoutEvents).toBeGreaterThan(0);
    expect(sizes.trainEvents / (sizes.trainEvents + sizes.holdoutEvents)).toBeCloseTo(0.8, 1);
    expect(sizes.retrievalPairs).toBeGreaterThan(0);
    expect(trainCutoffMs).toBeLessThanOrEqual(world.nowMs);
    expect(actionLog).toEqual({ seed: 7, impressionsPerUser: 30 });
  });
});
