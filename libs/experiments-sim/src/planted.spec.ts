import { ACTIONS, createRng, type Action, type Engagement } from '@foryou/world';
import {
  emptyTally,
  plantEffect,
  plantedProbability,
  validatePlantedEffect,
  type PlantedEffect,
} from './planted';

const probabilities = (values: Partial<Record<Action, number>>): Record<Action, number> =>
  Object.fromEntries(ACTIONS.map((a) => [a, values[a] ?? 0])) as Record<Action, number>;

const impression = (actions: Action[]): Engagement => ({
  viewerId: 'u1',
  postId: 'p1',
  atMs: 1,
  actions: new Set(actions),
  dwellMs: 700,
});

/**
 * Observed marginal of `action` over `trials` impressions whose base draw is Bernoulli(p) (the world's
 * own draw), after planting. Deterministic (fixed seeds).
 */
function plantedRate(p: number, effect: PlantedEffect, trials: number): number {
  const base = createRng(1);
  const planted = createRng(2);
  const probs = probabilities({ favorite: p });
  const tally = emptyTally();
  let hits = 0;
  for (let i = 0; i < trials; i++) {
    const e = impression(base.next() < p ? ['favorite'] : []);
    hits += plantEffect(e, probs, effect, planted, tally).actions.has('favorite') ? 1 : 0;
  }
  return hits / trials;
}

describe('the planted effect', () => {
  const TRIALS = 200_000;
  const within = (observed: number, target: number): void => {
    const sd = Math.sqrt((target * (1 - target)) / TRIALS);
    expect(Math.abs(observed - target)).toBeLessThan(5 * sd + 1e-12);
  };

  it('makes the marginal p·(1 + lift) for a positive lift', () => {
    within(plantedRate(0.04, { lift: 0.5, actions: ['favorite'] }, TRIALS), 0.06);
    within(plantedRate(0.2, { lift: 1, actions: ['favorite'] }, TRIALS), 0.4);
  });

  it('thins to p·(1 + lift) for a negative lift', () => {
    within(plantedRate(0.3, { lift: -0.5, actions: ['favorite'] }, TRIALS), 0.15);
    expect(plantedRate(0.3, { lift: -1, actions: ['favorite'] }, 10_000)).toBe(0);
  });

  it('caps the marginal at 1 and counts the capped pairs', () => {
    expect(plantedRate(0.8, { lift: 0.5, actions: ['favorite'] }, 10_000)).toBe(1);
    const tally = emptyTally();
    plantEffect(
      impression([]),
      probabilities({ favorite: 0.8, reply: 0.1 }),
      { lift: 0.5, actions: ['favorite', 'reply'] },
      createRng(3),
      tally,
    );
    expect(tally).toEqual({ impressions: 1, baseExpected: 0.9, plantedExpected: 1.15, capped: 1 });
    expect(plantedProbability(0.8, 0.5)).toBe(1);
    expect(plantedProbability(0.1, 0.5)).toBeCloseTo(0.15, 15);
  });

  it('adds a superset of actions for a larger lift with the same stream (monotone coupling)', () => {
    const probs = probabilities({ favorite: 0.05, reply: 0.01, repost: 0.02 });
    const small = createRng(9);
    const large = createRng(9);
    for (let i = 0; i < 5_000; i++) {
      const e = impression([]);
      const a = plantEffect(
        e,
        probs,
        { lift: 0.3, actions: ['favorite', 'reply', 'repost'] },
        small,
        emptyTally(),
      );
      const b = plantEffect(
        e,
        probs,
        { lift: 0.9, actions: ['favorite', 'reply', 'repost'] },
        large,
        emptyTally(),
      );
      for (const action of a.actions) {
        expect(b.actions.has(action)).toBe(true);
      }
    }
  });

  it('leaves everything else of the impression alone', () => {
    const e = impression(['click', 'dwell']);
    const out = plantEffect(
      e,
      probabilities({ favorite: 1 - 1e-12 }),
      { lift: 0.5, actions: ['favorite'] },
      createRng(4),
      emptyTally(),
    );
    expect([...out.actions].sort()).toEqual(['click', 'dwell', 'favorite']);
    expect(out.dwellMs).toBe(700);
    expect(e.actions.has('favorite')).toBe(false); // the input is not mutated
    const unchanged = plantEffect(
      e,
      probabilities({}),
      { lift: 0.5, actions: ['favorite'] },
      createRng(4),
      emptyTally(),
    );
    expect(unchanged).toBe(e);
  });

  it('refuses what cannot be planted as documented', () => {
    expect(() => validatePlantedEffect({ lift: 0.1, actions: ['dwell'] })).toThrow(/dwell/);
    expect(() => validatePlantedEffect({ lift: -1.5, actions: ['favorite'] })).toThrow(RangeError);
    expect(() => validatePlantedEffect({ lift: Number.NaN, actions: ['favorite'] })).toThrow(RangeError);
    expect(() => validatePlantedEffect({ lift: 0.1, actions: ['favorite', 'favorite'] })).toThrow(/distinct/);
  });
});
