import type { BrandSafety } from '../candidate/post-candidate';

export interface BlendPost {
  readonly id: string;
  readonly brandSafety?: BrandSafety;
}

export interface BlendAd {
  readonly id: string;
}

export interface BlendOptions {
  /** Page size: posts + ads. */
  readonly limit: number;
  readonly minPosts: number;
  readonly maxAds: number;
  /** Minimum organic posts between two ads. */
  readonly minSpacing: number;
  /** Preferred index of the first ad in the page. */
  readonly firstAdPosition: number;
}

export type BlendEntry<P, A> =
  | { readonly kind: 'post'; readonly item: P; readonly reason: string }
  | { readonly kind: 'ad'; readonly item: A; readonly reason: string };

export interface BlendResult<P, A> {
  readonly page: readonly BlendEntry<P, A>[];
  readonly unusedPosts: readonly { readonly item: P; readonly reason: string }[];
  readonly unusedAds: readonly { readonly item: A; readonly reason: string }[];
}

const risky = (p: BlendPost) => p.brandSafety === undefined || p.brandSafety === 'medium_risk';

/**
 * x-algorithm's SafeGap ads blender. Organic posts keep their order. An ad goes only into a gap whose
 * both neighbours are posts without medium risk (a missing verdict counts as medium risk), so it is
 * never first, never last and never next to another ad; gaps respect `minSpacing`; each ad takes the
 * allowed gap nearest its ideal slot. Ads are never duplicated. If ads cannot be placed safely the page
 * has fewer ads (and more posts) — never an unsafe placement.
 */
export function blendSafeGap<P extends BlendPost, A extends BlendAd>(
  posts: readonly P[],
  ads: readonly A[],
  options: BlendOptions,
): BlendResult<P, A> {
  const unusedAds: { item: A; reason: string }[] = [];
  const distinctAds: A[] = [];
  for (const ad of ads) {
    if (distinctAds.some((a) => a.id === ad.id)) {
      unusedAds.push({ item: ad, reason: 'duplicate ad' });
    } else {
      distinctAds.push(ad);
    }
  }
  const wanted =
    posts.length >= options.minPosts
      ? Math.min(options.maxAds, distinctAds.length, Math.max(0, options.limit - options.minPosts))
      : 0;
  const organic = posts.slice(0, options.limit - wanted);

  // Gap g sits between organic[g-1] and organic[g]; only interior gaps with two safe neighbours qualify.
  const safeGaps: number[] = [];
  for (let g = 1; g < organic.length; g++) {
    if (!risky(organic[g - 1]!) && !risky(organic[g]!)) {
      safeGaps.push(g);
    }
  }
  const placed = new Map<number, { ad: A; reason: string }>();
  let lastGap = -Infinity;
  let ideal = options.firstAdPosition;
  for (const ad of distinctAds) {
    if (placed.size >= wanted) {
      unusedAds.push({
        item: ad,
        reason:
          wanted === 0
            ? `fewer than ${options.minPosts} posts or no room on the page`
            : 'ads per page reached',
      });
      continue;
    }
    const allowed = safeGaps.filter((g) => g - lastGap >= Math.max(1, options.minSpacing));
    const best = allowed.sort((a, b) => Math.abs(a - ideal) - Math.abs(b - ideal) || a - b)[0];
    if (best === undefined) {
      unusedAds.push({ item: ad, reason: 'no safe gap left (neighbours medium risk or spacing)' });
      continue;
    }
    const before = organic[best - 1]!;
    const after = organic[best]!;
    placed.set(best, {
      ad,
      reason: `safe gap between ${before.id} (${before.brandSafety}) and ${after.id} (${after.brandSafety}); ideal slot ${ideal}, min spacing ${options.minSpacing}`,
    });
    lastGap = best;
    ideal = best + Math.max(1, options.minSpacing);
  }

  // Room left by ads that could not be placed goes back to organic posts, appended at the end (after the
  // last post, so no ad's neighbours change).
  const refill = posts.slice(organic.length, organic.length + (wanted - placed.size));
  const page: BlendEntry<P, A>[] = [];
  organic.forEach((post, g) => {
    const ad = placed.get(g);
    if (ad) {
      page.push({ kind: 'ad', item: ad.ad, reason: ad.reason });
    }
    page.push({ kind: 'post', item: post, reason: `organic rank ${g + 1}` });
  });
  refill.forEach((post, i) =>
    page.push({ kind: 'post', item: post, reason: `organic rank ${organic.length + i + 1} (refill)` }),
  );
  const used = organic.length + refill.length;
  return {
    page,
    unusedPosts: posts.slice(used).map((item) => ({ item, reason: 'below page limit' })),
    unusedAds,
  };
}
