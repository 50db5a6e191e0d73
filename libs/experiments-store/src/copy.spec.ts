import { copyField, copyLine, EXPOSURE_SERVING_COLUMNS, exposureLine, exposureServingLine } from './copy';

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

  it('should write the serving facts after the exposure columns, NULL when missing', () => {
    const base = {
      exposureId: 'e2',
      experimentKey: 'k',
      unitId: 'u',
      variant: 'treatment',
      requestId: 'r1',
      triggered: false,
      exposedAt: new Date(2000),
    };
    expect(EXPOSURE_SERVING_COLUMNS.slice(-3)).toEqual(['latency_ms', 'items_returned', 'requested_items']);
    expect(exposureServingLine({ ...base, latencyMs: 87.5, itemsReturned: 0, requestedItems: 30 })).toBe(
      'e2\tk\tu\ttreatment\tr1\tf\tf\t{}\t1970-01-01T00:00:02.000Z\t87.5\t0\t30\n',
    );
    expect(exposureServingLine(base).endsWith('\t\\N\t\\N\t\\N\n')).toBe(true);
    expect(exposureServingLine(base).split('\t')).toHaveLength(EXPOSURE_SERVING_COLUMNS.length);
  });
});
