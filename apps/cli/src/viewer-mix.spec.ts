import { FIXED_VIEWER, viewerFor } from './viewer-mix';

describe('viewerFor', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => viewerFor(i, 1000, 42));

  it('is deterministic for (index, viewers, seed)', () => {
    expect(Array.from({ length: 10_000 }, (_, i) => viewerFor(i, 1000, 42))).toEqual(ids);
  });

  it('never sends traffic to xiaolin, so her first real feed is a person’s', () => {
    expect(ids).not.toContain(FIXED_VIEWER);
  });

  it('uses u0…u999 and covers most of them', () => {
    for (const id of ids) {
      expect(id).toMatch(/^u(\d|[1-9]\d{1,2})$/);
    }
    expect(new Set(ids).size).toBeGreaterThan(990);
  });

  it('a single synthetic viewer is always u0', () => {
    expect(new Set(Array.from({ length: 50 }, (_, i) => viewerFor(i, 1)))).toEqual(new Set(['u0']));
  });

  it('a different seed gives a different mix', () => {
    const other = Array.from({ length: 100 }, (_, i) => viewerFor(i, 1000, 7));
    expect(other).not.toEqual(ids.slice(0, 100));
  });
});
