import { compareArms, normalSf } from '@foryou/experiments-stats';
import { perExposurePValue, pooledStandardErrorPValue, unsaltedAssigner } from './negative-controls';
import { simulateRun } from './run';
import { aaDefinition, smallWorld } from './testing/fixtures';

describe('negative controls', () => {
  it('pooled-standard-error divides the pooled variance by the total n', () => {
    const comparison = compareArms({ n: 100, mean: 1, variance: 4 }, { n: 300, mean: 1.3, variance: 2 });
    const pooled = (99 * 4 + 299 * 2) / 398;
    const z = 0.3 / Math.sqrt(pooled / 400);
    expect(pooledStandardErrorPValue(comparison)).toBeCloseTo(2 * normalSf(z), 14);
    // …which is far smaller than the correct Welch p-value of the same data.
    expect(pooledStandardErrorPValue(comparison)).toBeLessThan(comparison.absolute.pValue / 10);
  });

  it('unsalted-assignment gives the same split for every salt, the real assign() does not', () => {
    const base = { world: smallWorld(), definition: aaDefinition(), impressionsPerUnit: 5, units: 200 };
    const a = simulateRun({ ...base, salt: 'n1', assigner: unsaltedAssigner });
    const b = simulateRun({ ...base, salt: 'n2', assigner: unsaltedAssigner });
    expect(Buffer.from(a.unitArms).equals(Buffer.from(b.unitArms))).toBe(true);
    const c = simulateRun({ ...base, salt: 'n1' });
    const d = simulateRun({ ...base, salt: 'n2' });
    expect(Buffer.from(c.unitArms).equals(Buffer.from(d.unitArms))).toBe(false);
  });

  it('per-exposure-units tests per-request values as if they were units', () => {
    const run = simulateRun({
      world: smallWorld(),
      definition: aaDefinition(),
      impressionsPerUnit: 20,
      units: 200,
      salt: 'n3',
    });
    const p = perExposurePValue(run);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(1);
  });
});
