import { type Rng } from './rng';
import { type Ad } from './types';
import { jitterInto } from './vec';

/** Per-dimension noise of an ad embedding around its topic centroid. */
const AD_EMBEDDING_SIGMA = 0.12;
const MEDIAN_BID_MICROS = 1_500_000;

/**
 * `count - fixed.length` generic ads `ad-0…` (uniform topic, ~3 ads per advertiser, lognormal bid)
 * followed by the `fixed` ads.
 */
export function generateAds(
  rng: Rng,
  count: number,
  fixed: readonly Ad[],
  centroids: Float32Array,
  topics: number,
  dim: number,
): Ad[] {
  const generic = count - fixed.length;
  const advertisers = Math.max(1, Math.round(generic / 3));
  const ads: Ad[] = [];
  for (let i = 0; i < generic; i++) {
    const topic = rng.int(topics);
    const embedding = new Float32Array(dim);
    jitterInto(rng, centroids, topic * dim, embedding, 0, dim, AD_EMBEDDING_SIGMA);
    const bid = MEDIAN_BID_MICROS * Math.exp(0.6 * rng.normal());
    ads.push({
      id: `ad-${i}`,
      advertiserId: `adv-${rng.int(advertisers)}`,
      topic,
      embedding,
      bidMicros: Math.round(Math.min(20_000_000, Math.max(100_000, bid))),
    });
  }
  return [...ads, ...fixed];
}
