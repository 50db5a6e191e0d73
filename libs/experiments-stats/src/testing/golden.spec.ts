import { compareGolden } from './golden';

describe('compareGolden (the fixture comparator itself)', () => {
  it('accepts values within 1e-9 relative', () => {
    expect(compareGolden({ p: 0.05 * (1 + 5e-10) }, { p: 0.05 }).mismatches).toEqual([]);
  });

  it('rejects values off by more than 1e-9 relative', () => {
    expect(compareGolden({ p: 0.05 * (1 + 2e-9) }, { p: 0.05 }).mismatches).toHaveLength(1);
  });

  it('compares p-values relatively even when tiny', () => {
    expect(compareGolden({ pValue: 1e-30 * (1 + 5e-10) }, { pValue: 1e-30 }).mismatches).toEqual([]);
    expect(compareGolden({ pValue: 1e-30 * (1 + 2e-9) }, { pValue: 1e-30 }).mismatches).toHaveLength(1);
    expect(compareGolden({ pValue: 0 }, { pValue: 1e-30 }).mismatches).toHaveLength(1);
    expect(compareGolden([1e-200 * (1 + 2e-9)], [1e-200], { relativeOnly: true }).mismatches).toHaveLength(1);
  });

  it('uses 1e-12 absolute near 0', () => {
    expect(compareGolden(5e-13, 0).mismatches).toEqual([]);
    expect(compareGolden(2e-12, 0).mismatches).toHaveLength(1);
  });

  it('treats null as NaN/null and checks arrays, booleans and strings', () => {
    expect(compareGolden({ a: Number.NaN, b: null }, { a: null, b: null }).mismatches).toEqual([]);
    expect(compareGolden({ a: 1 }, { a: null }).mismatches).toHaveLength(1);
    expect(compareGolden([1, 2], [1, 2, 3]).mismatches).toHaveLength(1);
    expect(compareGolden({ ok: true, s: 'x' }, { ok: false, s: 'y' }).mismatches).toHaveLength(2);
    expect(compareGolden({}, { missing: 1 }).mismatches).toHaveLength(1);
  });
});
