import { runCalibration, type CalibrationOptions } from './calibration';
import { aaDefinition, smallWorld } from './testing/fixtures';

// Tiny calibrations: they check the bookkeeping, not the statistics (the integration spec does that).
describe('runCalibration', () => {
  const options = (overrides: Partial<CalibrationOptions> = {}): CalibrationOptions => ({
    world: smallWorld(),
    definition: aaDefinition(),
    runs: 6,
    powerRuns: 4,
    lift: 0.3,
    impressionsPerUnit: 10,
    units: 120,
    ...overrides,
  });

  it('is deterministic and reports every check', () => {
    const progress: string[] = [];
    const result = runCalibration(
      options({ onProgress: (p) => progress.push(`${p.phase}:${p.done}/${p.total}`) }),
    );
    expect(runCalibration(options())).toEqual(result);
    expect(result.checks.map((c) => c.name)).toEqual([
      'srm',
      'ks-uniform',
      'ks-sensitivity',
      'reshuffle',
      'power',
    ]);
    expect(result.aa.pValues).toHaveLength(6);
    expect(result.power?.pValues).toHaveLength(4);
    expect(result.aa.reshuffle.pairs).toBe(3);
    expect(result.aa.reshuffle.expectedRate).toBe(0.5);
    expect(result.settings).toMatchObject({
      experimentKey: 'sim-aa',
      method: 'ratio-delta-method',
      treatmentArm: 'twin',
      alpha: 0.05,
      srmThreshold: 0.001,
      checkLevel: 0.001,
      population: 120,
      negativeControl: null,
    });
    expect(result.power?.effectiveLift).toBeCloseTo(0.3, 12);
    expect(progress).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((i) => `aa:${i}/6`),
      ...[1, 2, 3, 4].map((i) => `power:${i}/4`),
    ]);
    expect(result.passed).toBe(result.checks.every((c) => c.passed));
  });

  it('skips the power phase with powerRuns 0', () => {
    const result = runCalibration(options({ powerRuns: 0, lift: 0 }));
    expect(result.power).toBeNull();
    expect(result.checks.map((c) => c.name)).not.toContain('power');
  });

  it('reports the pooled-SE p-values when that negative control is chosen', () => {
    const good = runCalibration(options({ powerRuns: 0 }));
    const bad = runCalibration(options({ powerRuns: 0, negativeControl: 'pooled-standard-error' }));
    expect(bad.aa.pValues).not.toEqual(good.aa.pValues);
    bad.aa.pValues.forEach((p, i) => expect(p).toBeLessThan(good.aa.pValues[i]!));
    expect(bad.settings.negativeControl).toBe('pooled-standard-error');
  });

  it('refuses invalid options', () => {
    expect(() => runCalibration(options({ runs: 1 }))).toThrow(RangeError);
    expect(() => runCalibration(options({ lift: 0 }))).toThrow(/lift/);
    expect(() => runCalibration(options({ powerRuns: -1 }))).toThrow(RangeError);
  });
});
