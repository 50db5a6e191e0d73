import { ok, type HydratedRow, type Hydrator, type Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { BrandSafety, FeedCandidate } from '../candidate/post-candidate';

/**
 * Brand-safety verdict for the ads blender (x-algorithm AdsBrandSafetyHydrator): the safety label's
 * risk level; anything not proven (missing label, or worse than medium) counts as medium risk.
 */
export class BrandSafetyHydrator implements Hydrator<ForYouQuery, FeedCandidate> {
  readonly name = 'BrandSafetyHydrator';
  readonly fields = ['brandSafety'] as const;

  hydrate(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    return Promise.resolve(ok(candidates.map((c) => ({ id: c.id, patch: { brandSafety: verdict(c) } }))));
  }
}

function verdict(c: FeedCandidate): BrandSafety {
  if (c.safety?.state !== 'present') {
    return 'medium_risk';
  }
  switch (c.safety.value) {
    case 'safe':
      return 'safe';
    case 'low_risk':
      return 'low_risk';
    case 'medium_risk':
    case 'unsafe':
      return 'medium_risk';
  }
}
