import type { FeedResponse } from '@foryou/contracts';
import { qualityOf } from './feed.service';

function response(items: number, degraded: { pipeline: string; component: string }[] = []): FeedResponse {
  return {
    items: Array.from({ length: items }, (_, i) => ({ id: `p${i}`, type: 'post', position: i })),
    degradation: {
      degraded: degraded.length > 0,
      components: degraded.map((d) => ({
        ...d,
        stage: 'sources',
        status: 'error',
        policy: 'fail_open',
        error_kind: 'dependency_unavailable',
        reason: 'down',
      })),
    },
  } as unknown as FeedResponse;
}

describe(qualityOf.name, () => {
  it('should call a page of six or more items with every required source good', () => {
    expect(qualityOf(response(6))).toBe('good');
    // A degraded component that is not a required source does not make the page bad.
    expect(qualityOf(response(20, [{ pipeline: 'for_you', component: 'AdsSource' }]))).toBe('good');
  });

  it('should call a page of five items or fewer short, before anything else', () => {
    expect(qualityOf(response(5))).toBe('short');
    expect(qualityOf(response(0, [{ pipeline: 'scored_posts', component: 'ThunderSource' }]))).toBe('short');
  });

  it('should call a full page with a degraded required source source_degraded', () => {
    expect(qualityOf(response(20, [{ pipeline: 'scored_posts', component: 'PhoenixRetrievalSource' }]))).toBe(
      'source_degraded',
    );
  });
});
