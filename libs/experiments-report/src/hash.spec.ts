import { createHash } from 'node:crypto';
import { canonicalJson, contentHash } from './hash';

describe(canonicalJson.name, () => {
  it('should sort keys at every depth and drop undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true }, u: undefined })).toBe(
      '{"a":{"c":true,"d":[1,"x",null]},"b":1}',
    );
  });

  it('should not depend on key insertion order', () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson({ y: { q: 3, p: 2 }, x: 1 }));
  });

  it('should refuse what JSON cannot represent', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => canonicalJson(10n)).toThrow(RangeError);
  });
});

describe(contentHash.name, () => {
  it('should be the sha256 of the canonical JSON, and change with any value', () => {
    const value = { k: 'exp', n: [1, 2.5] };
    expect(contentHash(value)).toBe(createHash('sha256').update('{"k":"exp","n":[1,2.5]}').digest('hex'));
    expect(contentHash({ ...value, n: [1, 2.500001] })).not.toBe(contentHash(value));
  });
});
