import { ACTIONS, actionHistory, FIXTURE } from '@foryou/world';
import fc from 'fast-check';
import { type RankInput, PhoenixRuntime, CorpusMismatchError } from './runtime';
import { weightedScore } from './scoring';
import { smallWorldModel } from './testing/tiny-model';

const { world, trained } = smallWorldModel();
const runtime = PhoenixRuntime.create(trained.model, world);
const history = actionHistory(world);
const xiaolin = runtime.userContext(history.recent(FIXTURE.viewerId, 32, world.nowMs));
const ids = world.postList.slice(0, 200).map((p) => p.id);

describe('PhoenixRuntime.predictBatch: candidate isolation', () => {
  const candidate = fc.record({
    postId: fc.oneof(fc.constantFrom(...ids), fc.constantFrom('unknown-1', 'unknown-2')),
    inNetwork: fc.boolean(),
  });

  it("adding, removing or permuting the other candidates never changes a candidate's raw predictions", () => {
    fc.assert(
      fc.property(
        fc.array(candidate, { minLength: 1, maxLength: 12 }),
        fc.array(candidate, { maxLength: 12 }),
        fc.nat(),
        (batch, others, seed) => {
          const alone = batch.map((c) => runtime.predictBatch(xiaolin, [c])[0]);
          // The batch mixed with other candidates, in a seed-determined order.
          const mixed: { c: RankInput; i: number }[] = [
            ...batch.map((c, i) => ({ c, i })),
            ...others.map((c) => ({ c, i: -1 })),
          ];
          mixed.sort((a, b) => ((a.i * 7919 + seed) % 13) - ((b.i * 7919 + seed) % 13));
          const predictions = runtime.predictBatch(
            xiaolin,
            mixed.map((m) => m.c),
          );
          mixed.forEach((m, position) => {
            if (m.i >= 0) {
              expect(predictions[position]).toEqual(alone[m.i]);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('returns one prediction per candidate, in request order, with every action', () => {
    const batch = [ids[3]!, ids[1]!, ids[3]!].map((postId) => ({ postId, inNetwork: false }));
    const out = runtime.predictBatch(xiaolin, batch);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual(out[2]);
    for (const p of out) {
      expect(Object.keys(p).sort()).toEqual([...ACTIONS].sort());
      for (const a of ACTIONS) {
        expect(p[a]).toBeGreaterThan(0);
        expect(p[a]).toBeLessThan(1);
      }
    }
  });
});

describe('NaN and missing inputs', () => {
  it('a post outside the corpus is unscored: NaN for every action, and its weighted score is NaN', () => {
    const [p] = runtime.predictBatch(xiaolin, [{ postId: 'not-a-post', inNetwork: true }]);
    for (const a of ACTIONS) {
      expect(Number.isNaN(p![a])).toBe(true);
    }
    expect(Number.isNaN(weightedScore(p!))).toBe(true);
  });

  it('a non-finite feature (a corrupted context) makes the candidate unscored, never a default', () => {
    const broken = { ...xiaolin, topicShare: xiaolin.topicShare.map(() => Number.NaN) };
    const p = runtime.predict(broken, { postId: ids[0]!, inNetwork: false });
    expect(ACTIONS.every((a) => Number.isNaN(p[a]))).toBe(true);
  });

  it('an empty history still ranks (no user vector, has_history = 0)', () => {
    const empty = runtime.userContext([]);
    expect(empty.userVector).toBeNull();
    const p = runtime.predict(empty, { postId: ids[0]!, inNetwork: true });
    expect(ACTIONS.every((a) => p[a] > 0 && p[a] < 1)).toBe(true);
  });

  it('weightedScore: missing head → NaN; otherwise Σ w·p with negative weights as penalties', () => {
    const p = runtime.predict(xiaolin, { postId: ids[0]!, inNetwork: false });
    const { favorite: _dropped, ...partial } = p;
    expect(Number.isNaN(weightedScore(partial as typeof p))).toBe(true);
    const zero = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<(typeof ACTIONS)[number], number>;
    expect(weightedScore({ ...zero, reply: 0.1, report: 0.01 })).toBeCloseTo(5 * 0.1 - 234 * 0.01, 12);
  });
});

describe('PhoenixRuntime.create', () => {
  it('refuses a model trained on another corpus', () => {
    expect(() =>
      PhoenixRuntime.create({ ...trained.model, corpusVersion: 'world-small-7-v1' }, world),
    ).toThrow(CorpusMismatchError);
  });
});
