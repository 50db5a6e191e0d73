import fc from 'fast-check';
import { placeModule } from './module-placement';

describe(placeModule.name, () => {
  const isAd = (s: string) => s.startsWith('ad');

  it('should insert at the preferred index when it touches no ad', () => {
    expect(placeModule(['p0', 'p1', 'p2', 'p3'], 'W', 2, isAd)).toEqual({
      page: ['p0', 'p1', 'W', 'p2', 'p3'],
      placedAt: 2,
    });
  });

  it('should move past an ad instead of touching it', () => {
    expect(placeModule(['p0', 'p1', 'ad', 'p2', 'p3'], 'W', 2, isAd).page).toEqual([
      'p0',
      'p1',
      'ad',
      'p2',
      'W',
      'p3',
    ]);
  });

  it('should not place it on a page too short to reach the index', () => {
    expect(placeModule(['p0'], 'W', 5, isAd)).toEqual({ page: ['p0'], placedAt: null });
  });

  it('should never put the module next to an ad, nor last', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('p', 'ad'), { maxLength: 20 }),
        fc.nat({ max: 25 }),
        (kinds, index) => {
          const page = kinds.map((k, i) => `${k}${i}`);
          const { page: out, placedAt } = placeModule(page, 'W', index, isAd);
          if (placedAt === null) {
            expect(out).toEqual(page);
            return;
          }
          expect(out[placedAt]).toBe('W');
          expect(placedAt).toBeGreaterThanOrEqual(index);
          expect(placedAt).toBeLessThan(out.length - 1);
          expect(isAd(out[placedAt - 1] ?? 'p')).toBe(false);
          expect(isAd(out[placedAt + 1] ?? 'p')).toBe(false);
        },
      ),
    );
  });
});
