import { l2NormalizeInPlace, logSigmoid, sigmoid, silu, siluGrad } from './vector';

describe('l2NormalizeInPlace', () => {
  it('normalises (3, 4) to (0.6, 0.8) and returns the old norm 5', () => {
    const v = new Float64Array([3, 4]);
    expect(l2NormalizeInPlace(v)).toBe(5);
    expect([...v]).toEqual([0.6, 0.8]);
  });

  it('leaves the zero vector untouched and returns 0 (no direction, never NaN)', () => {
    const v = new Float64Array([0, 0, 0]);
    expect(l2NormalizeInPlace(v)).toBe(0);
    expect([...v]).toEqual([0, 0, 0]);
  });

  it('rejects non-finite vectors the same way', () => {
    const v = new Float64Array([Number.NaN, 1]);
    expect(l2NormalizeInPlace(v)).toBe(0);
  });

  it('normalises a slice only', () => {
    const v = new Float64Array([9, 0, 5, 9]);
    l2NormalizeInPlace(v, 1, 2);
    expect([...v]).toEqual([9, 0, 1, 9]);
  });
});

describe('activations', () => {
  it('sigmoid, SiLU and log σ at hand-checkable points', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(silu(0)).toBe(0);
    expect(siluGrad(0)).toBe(0.5);
    expect(logSigmoid(0)).toBeCloseTo(Math.log(0.5), 12);
    expect(logSigmoid(-800)).toBe(-800); // no overflow to -Infinity
  });

  it("siluGrad is SiLU's derivative", () => {
    for (const x of [-3, -0.5, 0.7, 2.5]) {
      const numeric = (silu(x + 1e-6) - silu(x - 1e-6)) / 2e-6;
      expect(siluGrad(x)).toBeCloseTo(numeric, 6);
    }
  });
});
