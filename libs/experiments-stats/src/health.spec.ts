import { checkMinimumSample, checkMultipleExposure, type MultipleExposureOptions } from './health';
import { casesOf, expectGolden, expectNotGolden, loadFixture } from './testing/golden';

const file = loadFixture<unknown>('health');
const minimum = casesOf<{ armSizes: number[]; required: number }>(file, 'minimumSample');
const multiple = casesOf<{
  unitsExposed: number;
  unitsMultipleExposed: number;
  options: MultipleExposureOptions;
}>(file, 'multipleExposure');

describe('health checks', () => {
  it.each(minimum.map((c) => [c.name, c] as const))('minimum sample: %s', (_name, c) => {
    expectGolden(checkMinimumSample(c.input.armSizes, c.input.required), c.expected, `health min ${c.name}`);
  });

  it.each(multiple.map((c) => [c.name, c] as const))('multiple exposure: %s', (_name, c) => {
    expectGolden(checkMultipleExposure(c.input, c.input.options), c.expected, `health multi ${c.name}`);
  });

  it('a perturbed input does not match', () => {
    const c = multiple[0]!;
    expectNotGolden(
      checkMultipleExposure(
        { ...c.input, unitsMultipleExposed: c.input.unitsMultipleExposed + 1 },
        c.input.options,
      ),
      c.expected,
    );
  });

  it('rejects impossible inputs', () => {
    expect(() => checkMinimumSample([10, -1], 5)).toThrow(RangeError);
    expect(() => checkMinimumSample([10], Number.NaN)).toThrow(RangeError);
    expect(() => checkMultipleExposure({ unitsExposed: 5, unitsMultipleExposed: 6 })).toThrow(RangeError);
  });
});
