import fc from 'fast-check';
import {
  BUCKETS,
  bucketV2,
  chooseRange,
  fnv1a32,
  growthbookHash,
  growthbookInNamespace,
  percentToBuckets,
  variantRanges,
} from './hash';

/*
 * Public test vectors copied from GrowthBook's SDK spec: growthbook/growthbook
 * `packages/sdk-js/test/cases.json` (specVersion 0.8.0, repository HEAD 8f1db4456915a8e7b7faf23d5632ca7219d2f469):
 * all 15 `hash` cases, all 16 `inNamespace` cases, the 7 `getBucketRange` cases with valid weights and
 * the 13 `chooseVariation` cases. Floats are GrowthBook's; our integer buckets are them × 10000.
 */
const GROWTHBOOK_HASH: readonly [seed: string, value: string, version: number, expected: number | null][] = [
  ['', 'a', 1, 0.22],
  ['', 'b', 1, 0.077],
  ['b', 'a', 1, 0.946],
  ['ef', 'd', 1, 0.652],
  ['asdf', '8952klfjas09ujk', 1, 0.549],
  ['', '123', 1, 0.011],
  ['', '___)((*":&', 1, 0.563],
  ['seed', 'a', 2, 0.0505],
  ['seed', 'b', 2, 0.2696],
  ['foo', 'ab', 2, 0.2575],
  ['foo', 'def', 2, 0.2019],
  ['89123klj', '8952klfjas09ujkasdf', 2, 0.124],
  ['90850943850283058242805', '123', 2, 0.7516],
  ['()**(%$##$%#$#', '___)((*":&', 2, 0.0128],
  ['abc', 'def', 99, null],
];

const GROWTHBOOK_IN_NAMESPACE: readonly [
  name: string,
  id: string,
  ns: [string, number, number],
  expected: boolean,
][] = [
  ['user 1, namespace1, 1', '1', ['namespace1', 0, 0.4], false],
  ['user 1, namespace1, 2', '1', ['namespace1', 0.4, 1], true],
  ['user 1, namespace2, 1', '1', ['namespace2', 0, 0.4], false],
  ['user 1, namespace2, 2', '1', ['namespace2', 0.4, 1], true],
  ['user 2, namespace1, 1', '2', ['namespace1', 0, 0.4], false],
  ['user 2, namespace1, 2', '2', ['namespace1', 0.4, 1], true],
  ['user 2, namespace2, 1', '2', ['namespace2', 0, 0.4], false],
  ['user 2, namespace2, 2', '2', ['namespace2', 0.4, 1], true],
  ['user 3, namespace1, 1', '3', ['namespace1', 0, 0.4], false],
  ['user 3, namespace1, 2', '3', ['namespace1', 0.4, 1], true],
  ['user 3, namespace2, 1', '3', ['namespace2', 0, 0.4], true],
  ['user 3, namespace2, 2', '3', ['namespace2', 0.4, 1], false],
  ['user 4, namespace1, 1', '4', ['namespace1', 0, 0.4], false],
  ['user 4, namespace1, 2', '4', ['namespace1', 0.4, 1], true],
  ['user 4, namespace2, 1', '4', ['namespace2', 0, 0.4], true],
  ['user 4, namespace2, 2', '4', ['namespace2', 0.4, 1], false],
];

/** [name, [numVariations, coverage, weights | null], expected ranges] */
const GROWTHBOOK_BUCKET_RANGE: readonly [string, [number, number, number[] | null], [number, number][]][] = [
  [
    'normal 50/50',
    [2, 1, null],
    [
      [0, 0.5],
      [0.5, 1],
    ],
  ],
  [
    'reduced coverage',
    [2, 0.5, null],
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
  ],
  [
    'zero coverage',
    [2, 0, null],
    [
      [0, 0],
      [0.5, 0.5],
    ],
  ],
  [
    '4 variations',
    [4, 1, null],
    [
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 0.75],
      [0.75, 1],
    ],
  ],
  [
    'uneven weights',
    [2, 1, [0.4, 0.6]],
    [
      [0, 0.4],
      [0.4, 1],
    ],
  ],
  [
    'uneven weights, 3 variations',
    [3, 1, [0.2, 0.3, 0.5]],
    [
      [0, 0.2],
      [0.2, 0.5],
      [0.5, 1],
    ],
  ],
  [
    'uneven weights, reduced coverage, 3 variations',
    [3, 0.2, [0.2, 0.3, 0.5]],
    [
      [0, 0.04],
      [0.2, 0.26],
      [0.5, 0.6],
    ],
  ],
];

const GROWTHBOOK_CHOOSE_VARIATION: readonly [string, number, [number, number][], number][] = [
  [
    'even range, 0.2',
    0.2,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    0,
  ],
  [
    'even range, 0.4',
    0.4,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    0,
  ],
  [
    'even range, 0.6',
    0.6,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    1,
  ],
  [
    'even range, 0.8',
    0.8,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    1,
  ],
  [
    'even range, 0',
    0,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    0,
  ],
  [
    'even range, 0.5',
    0.5,
    [
      [0, 0.5],
      [0.5, 1],
    ],
    1,
  ],
  [
    'reduced range, 0.2',
    0.2,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    0,
  ],
  [
    'reduced range, 0.4',
    0.4,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    -1,
  ],
  [
    'reduced range, 0.6',
    0.6,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    1,
  ],
  [
    'reduced range, 0.8',
    0.8,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    -1,
  ],
  [
    'reduced range, 0.25',
    0.25,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    -1,
  ],
  [
    'reduced range, 0.5',
    0.5,
    [
      [0, 0.25],
      [0.5, 0.75],
    ],
    1,
  ],
  [
    'zero range',
    0.5,
    [
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
    ],
    2,
  ],
];

const toBuckets = (x: number): number => Math.round(x * BUCKETS);

describe('GrowthBook hash vectors (packages/sdk-js/test/cases.json)', () => {
  it.each(GROWTHBOOK_HASH)('hash(%j, %j, v%d) = %p', (seed, value, version, expected) => {
    expect(growthbookHash(seed, value, version)).toBe(expected);
  });

  it.each(GROWTHBOOK_IN_NAMESPACE)('inNamespace: %s', (_name, id, ns, expected) => {
    expect(growthbookInNamespace(id, ns)).toBe(expected);
  });

  it.each(GROWTHBOOK_BUCKET_RANGE)('getBucketRange: %s', (_name, [n, coverage, weights], expected) => {
    const ranges = variantRanges(weights ?? Array<number>(n).fill(1 / n), coverage * 100);
    expect(ranges).toEqual(expected.map(([s, e]) => [toBuckets(s), toBuckets(e)]));
  });

  it.each(GROWTHBOOK_CHOOSE_VARIATION)('chooseVariation: %s', (_name, n, ranges, expected) => {
    expect(
      chooseRange(
        toBuckets(n),
        ranges.map(([s, e]) => [toBuckets(s), toBuckets(e)] as const),
      ),
    ).toBe(expected);
  });

  it('a perturbed input does not reproduce a vector', () => {
    expect(growthbookHash('seed', 'a ', 2)).not.toBe(0.0505);
    expect(growthbookHash('seed ', 'a', 2)).not.toBe(0.0505);
    expect(growthbookHash('seed', 'a', 1)).not.toBe(0.0505);
  });
});

describe('fnv1a32', () => {
  it('matches the FNV-1a reference values for ASCII', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-16 code units, not UTF-8 bytes (GrowthBook uses charCodeAt)', () => {
    // "é" is one code unit 0xE9 (UTF-8 would feed two bytes 0xC3 0xA9).
    expect(fnv1a32('é')).toBe(Math.imul(0x811c9dc5 ^ 0xe9, 0x01000193) >>> 0);
    // An astral character is two surrogate code units.
    const emoji = '😀';
    const viaUnits = [emoji.charCodeAt(0), emoji.charCodeAt(1)].reduce(
      (h, c) => Math.imul(h ^ c, 0x01000193) >>> 0,
      0x811c9dc5,
    );
    expect(fnv1a32(emoji)).toBe(viaUnits);
  });

  it('equals GrowthBook shift-and-add form for any string', () => {
    const shiftAdd = (s: string): number => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h += (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24);
      }
      return h >>> 0;
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => fnv1a32(s) === shiftAdd(s)));
  });
});

describe('bucketV2', () => {
  it('is the v2 hash on the integer scale, always in [0, 10000)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, value) => {
        const b = bucketV2(seed, value);
        return Number.isInteger(b) && b >= 0 && b < BUCKETS && growthbookHash(seed, value, 2) === b / BUCKETS;
      }),
    );
  });
});

describe('variantRanges', () => {
  it('covers [0, 10000) exactly at 100% for any weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }), (w) => {
        const ranges = variantRanges(w);
        return (
          ranges[0]![0] === 0 &&
          ranges.at(-1)![1] === BUCKETS &&
          ranges.every((r, i) => i === 0 || r[0] === ranges[i - 1]![1])
        );
      }),
    );
  });

  it('only ever grows each variant range as the coverage rises (a ramp-up never moves a unit)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (w, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const small = variantRanges(w, lo);
          const large = variantRanges(w, hi);
          return small.every((r, i) => r[0] === large[i]![0] && r[1] <= large[i]![1]);
        },
      ),
    );
  });

  it('rejects invalid weights and coverage instead of falling back to equal weights', () => {
    expect(() => variantRanges([])).toThrow(RangeError);
    expect(() => variantRanges([0.5, -0.5])).toThrow(RangeError);
    expect(() => variantRanges([0.5, 0.5], 101)).toThrow(RangeError);
    expect(() => variantRanges([0.5, 0.5], -1)).toThrow(RangeError);
  });

  it('converts two-decimal percentages to whole buckets', () => {
    expect(percentToBuckets(5)).toBe(500);
    expect(percentToBuckets(0.01)).toBe(1);
    expect(percentToBuckets(12.34)).toBe(1234);
  });
});
