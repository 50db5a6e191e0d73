import {
  minimumDetectableEffect,
  powerTwoSample,
  sampleSizeTwoSample,
  type MdeInput,
  type PowerInput,
  type SampleSizeInput,
} from './power';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';

const file = loadFixture<unknown>('power');
const sizes = casesOf<SampleSizeInput>(file, 'sampleSize');
const powers = casesOf<PowerInput>(file, 'power');
const mdes = casesOf<MdeInput>(file, 'mde');

describe('power and sample size vs scipy.stats.norm', () => {
  it.each(sizes.map((c) => [c.name, c] as const))('sample size: %s', (_name, c) => {
    expectGolden(sampleSizeTwoSample(c.input), c.expected, `power n ${c.name}`);
  });

  it.each(powers.map((c) => [c.name, c] as const))('power: %s', (_name, c) => {
    expectGolden(powerTwoSample(c.input), c.expected, `power ${c.name}`);
  });

  it.each(mdes.map((c) => [c.name, c] as const))('MDE: %s', (_name, c) => {
    expectGolden(minimumDetectableEffect(c.input), c.expected, `power mde ${c.name}`);
  });

  it('the returned sample size reaches the target power, one unit less does not (1:1)', () => {
    const input = { delta: 0.1, sdControl: 1, power: 0.8 };
    const n = sampleSizeTwoSample(input);
    expect(
      powerTwoSample({ ...input, nControl: n.nControl, nTreatment: n.nTreatment }),
    ).toBeGreaterThanOrEqual(0.8);
    expect(powerTwoSample({ ...input, nControl: n.nControl - 1, nTreatment: n.nTreatment - 1 })).toBeLessThan(
      0.8,
    );
  });

  it('a perturbed input does not match', () => {
    const c = powers[0]!;
    expectNotGolden(powerTwoSample({ ...c.input, delta: c.input.delta * 1.0001 }), c.expected);
  });

  it('rejects bad parameters', () => {
    expect(() => sampleSizeTwoSample({ delta: 0, sdControl: 1 })).toThrow(RangeError);
    expect(() => sampleSizeTwoSample({ delta: 1, sdControl: 0 })).toThrow(RangeError);
    expect(() => sampleSizeTwoSample({ delta: 1, sdControl: 1, power: 1 })).toThrow(RangeError);
    expect(() => sampleSizeTwoSample({ delta: 1, sdControl: 1, ratio: 0 })).toThrow(RangeError);
    expect(() => powerTwoSample({ delta: 1, sdControl: 1, nControl: 0, nTreatment: 5 })).toThrow(RangeError);
    expect(() => minimumDetectableEffect({ sdControl: 1, nControl: 5, nTreatment: 5, alpha: 2 })).toThrow(
      RangeError,
    );
  });
});
