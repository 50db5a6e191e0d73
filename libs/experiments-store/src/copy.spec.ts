import { copyField, copyLine, exposureLine } from './copy';

describe('COPY text encoding', () => {
  it('should encode nulls, booleans, numbers, dates and escape special characters', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(true)).toBe('t');
    expect(copyField(false)).toBe('f');
    expect(copyField(1.5)).toBe('1.5');
    expect(copyField(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(copyField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(() => copyField(Number.NaN)).toThrow(RangeError);
    expect(copyLine(['x', null, 2])).toBe('x\t\\N\t2\n');
  });

  it('should write an exposure in column order with its JSON version vector', () => {
    expect(
      exposureLine({
        exposureId: 'e1',
        experimentKey: 'k',
        unitId: 'u',
        variant: 'control',
        requestId: null,
        triggered: true,
        versionVector: { ranker: 'v1' },
        exposedAt: new Date(1000),
      }),
    ).toBe('e1\tk\tu\tcontrol\t\\N\tt\tf\t{"ranker":"v1"}\t1970-01-01T00:00:01.000Z\n');
  });
});
