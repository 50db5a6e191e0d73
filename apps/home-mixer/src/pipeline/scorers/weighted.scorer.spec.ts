import { ACTIONS, type Action } from '@foryou/world';
import { DEFAULT_PARAMS } from '../../params/default-params';
import { offsetScore, combine } from './weighted.scorer';

const ranking = DEFAULT_PARAMS.ranking;
const only = (action: Action, p: number) =>
  Object.fromEntries(ACTIONS.map((a) => [a, a === action ? p : 0])) as Record<Action, number>;

describe('WeightedScorer math', () => {
  it('should combine predictions linearly with the weights', () => {
    expect(combine(only('reply', 0.1), ranking.weights)).toBeCloseTo(0.5);
    expect(combine(only('report', 0.01), ranking.weights)).toBeCloseTo(-2.34);
  });

  it('should shift non-negative scores by the offset and squeeze negative ones into [0, offset)', () => {
    expect(offsetScore(1, ranking)).toBeCloseTo(1 + ranking.negativeScoresOffset);
    const neg = offsetScore(-2.34, ranking);
    const worse = offsetScore(-10, ranking);
    expect(neg).toBeGreaterThanOrEqual(0);
    expect(neg).toBeLessThan(ranking.negativeScoresOffset);
    expect(worse).toBeLessThan(neg);
  });
});
