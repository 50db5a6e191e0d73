import fc from 'fast-check';
import { z } from 'zod';
import {
  applyParamOverrides,
  flattenParams,
  jsonEqual,
  mergeParamOverrides,
  ParamOverridesSchema,
  parseParamOverrides,
  type DeepPartial,
} from './params';

interface Params {
  readonly requestBudgetMs: number;
  readonly ranking: {
    readonly weights: { readonly favorite: number; readonly reply: number };
    readonly floor: number;
  };
  readonly list: readonly number[];
}
const BASE: Params = {
  requestBudgetMs: 250,
  ranking: { weights: { favorite: 0.5, reply: 5 }, floor: 0.25 },
  list: [1, 2],
};

describe('params overrides', () => {
  it('flattens to dot paths with arrays as leaves', () => {
    expect(flattenParams({ a: { b: 1, c: { d: [1, 2] } }, e: null })).toEqual([
      { path: 'a.b', value: 1 },
      { path: 'a.c.d', value: [1, 2] },
      { path: 'e', value: null },
    ]);
  });

  it('merges deeply, later layers win on leaves, inputs untouched', () => {
    const a = { x: { y: 1, z: 2 } };
    const merged = mergeParamOverrides([a, { x: { z: 3 } }, { w: [1] }]);
    expect(merged).toEqual({ x: { y: 1, z: 3 }, w: [1] });
    expect(a).toEqual({ x: { y: 1, z: 2 } });
  });

  it('applies a deep partial to full params, keeping untouched branches', () => {
    const patch: DeepPartial<Params> = { ranking: { weights: { reply: 7 } }, list: [9] };
    expect(applyParamOverrides(BASE, patch)).toEqual({
      requestBudgetMs: 250,
      ranking: { weights: { favorite: 0.5, reply: 7 }, floor: 0.25 },
      list: [9],
    });
    expect(BASE.ranking.weights.reply).toBe(5);
  });

  it('is validated against a caller-supplied schema', () => {
    const schema = z.strictObject({ ranking: z.strictObject({ floor: z.number() }).partial() }).partial();
    expect(parseParamOverrides({ ranking: { floor: 0.3 } }, schema)).toEqual({ ranking: { floor: 0.3 } });
    expect(() => parseParamOverrides({ ranking: { flor: 0.3 } }, schema)).toThrow(z.ZodError);
  });

  it('rejects non-finite numbers and non-identifier keys', () => {
    expect(ParamOverridesSchema.safeParse({ a: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(ParamOverridesSchema.safeParse({ 'a-b': 1 }).success).toBe(false);
    expect(ParamOverridesSchema.safeParse({ a: { b_2: [1, 'x', null, { c: true }] } }).success).toBe(true);
  });

  it('jsonEqual ignores key order and compares arrays element-wise', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    fc.assert(fc.property(fc.jsonValue(), (v) => jsonEqual(v as never, structuredClone(v) as never)));
  });
});
