import { mean, sampleSd } from './descriptive';

describe('descriptive statistics', () => {
  it('computes the mean and the (n − 1) standard deviation', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(mean([])).toBeNaN();
    expect(sampleSd([1])).toBeNaN();
  });
});
