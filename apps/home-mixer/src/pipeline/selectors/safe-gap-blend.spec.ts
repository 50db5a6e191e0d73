import fc from 'fast-check';
import type { BrandSafety } from '../candidate/post-candidate';
import { blendSafeGap, type BlendOptions, type BlendPost } from './safe-gap-blend';

const post = (id: string, brandSafety?: BrandSafety): BlendPost => ({
  id,
  ...(brandSafety ? { brandSafety } : {}),
});
const options: BlendOptions = { limit: 10, minPosts: 5, maxAds: 2, minSpacing: 3, firstAdPosition: 2 };
const risky = (p: BlendPost) => p.brandSafety === undefined || p.brandSafety === 'medium_risk';

describe(blendSafeGap.name, () => {
  it('should place ads in safe gaps nearest the ideal slots with the minimum spacing', () => {
    const posts = Array.from({ length: 12 }, (_, i) => post(`p${i}`, 'safe'));
    const { page } = blendSafeGap(posts, [{ id: 'ad1' }, { id: 'ad2' }], options);
    expect(page.map((e) => e.item.id)).toEqual([
      'p0',
      'p1',
      'ad1',
      'p2',
      'p3',
      'p4',
      'ad2',
      'p5',
      'p6',
      'p7',
    ]);
  });

  it('should skip gaps next to medium-risk or unverified posts', () => {
    const posts = [
      post('p0', 'safe'),
      post('p1', 'medium_risk'),
      post('p2', 'safe'),
      post('p3'),
      post('p4', 'low_risk'),
      post('p5', 'safe'),
      post('p6', 'safe'),
    ];
    const { page } = blendSafeGap(posts, [{ id: 'ad' }], { ...options, maxAds: 1 });
    const at = page.findIndex((e) => e.kind === 'ad');
    expect(page.map((e) => e.item.id)).toEqual(
      ['p0', 'p1', 'p2', 'p3', 'p4', 'ad', 'p5', 'p6', 'p7'].filter((id) => id !== 'p7'),
    );
    expect(page[at]!.reason).toContain('safe gap between p4 (low_risk) and p5 (safe)');
  });

  it('should rather drop the ad than place it unsafely, and refill the page with posts', () => {
    const posts = Array.from({ length: 10 }, (_, i) => post(`p${i}`, 'medium_risk'));
    const result = blendSafeGap(posts, [{ id: 'ad' }], options);
    expect(result.page.map((e) => e.item.id)).toEqual(posts.map((p) => p.id));
    expect(result.unusedAds).toEqual([
      { item: { id: 'ad' }, reason: expect.stringContaining('no safe gap') as string },
    ]);
  });

  it('should serve no ads below the minimum number of posts', () => {
    const result = blendSafeGap([post('p0', 'safe'), post('p1', 'safe')], [{ id: 'ad' }], options);
    expect(result.page.map((e) => e.item.id)).toEqual(['p0', 'p1']);
    expect(result.unusedAds).toHaveLength(1);
  });

  it('should keep every ad invariant for any posts and ads', () => {
    const safety = fc.option(fc.constantFrom<BrandSafety>('safe', 'low_risk', 'medium_risk'), {
      nil: undefined,
    });
    fc.assert(
      fc.property(
        fc.array(safety, { maxLength: 30 }),
        fc.array(fc.constantFrom('a1', 'a2', 'a3'), { maxLength: 5 }),
        fc.record({
          limit: fc.integer({ min: 1, max: 25 }),
          minPosts: fc.integer({ min: 0, max: 8 }),
          maxAds: fc.integer({ min: 0, max: 4 }),
          minSpacing: fc.integer({ min: 0, max: 5 }),
          firstAdPosition: fc.integer({ min: 0, max: 10 }),
        }),
        (safeties, adIds, opts) => {
          const posts = safeties.map((s, i) => post(`p${i}`, s));
          const { page, unusedPosts, unusedAds } = blendSafeGap(
            posts,
            adIds.map((id) => ({ id })),
            opts,
          );
          expect(page.length).toBeLessThanOrEqual(opts.limit);
          const ids = page.map((e) => e.item.id);
          expect(new Set(ids).size).toBe(ids.length);
          // Organic order is preserved, and nothing is lost: page + unused = input.
          expect(page.filter((e) => e.kind === 'post').map((e) => e.item.id)).toEqual(
            posts.slice(0, page.filter((e) => e.kind === 'post').length).map((p) => p.id),
          );
          expect(page.length + unusedPosts.length + unusedAds.length).toBe(posts.length + adIds.length);
          const adPositions = page.flatMap((e, i) => (e.kind === 'ad' ? [i] : []));
          expect(adPositions.length).toBeLessThanOrEqual(opts.maxAds);
          if (adPositions.length > 0) {
            expect(posts.length).toBeGreaterThanOrEqual(opts.minPosts);
          }
          for (const i of adPositions) {
            const before = page[i - 1];
            const after = page[i + 1];
            expect(before?.kind).toBe('post');
            expect(after?.kind).toBe('post');
            expect(risky(before!.item as BlendPost)).toBe(false);
            expect(risky(after!.item as BlendPost)).toBe(false);
          }
          for (let k = 1; k < adPositions.length; k++) {
            expect(adPositions[k]! - adPositions[k - 1]! - 1).toBeGreaterThanOrEqual(
              Math.max(1, opts.minSpacing),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
