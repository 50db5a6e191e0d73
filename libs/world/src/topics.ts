import { type Rng } from './rng';
import { normalizeInPlace } from './vec';

const TOPIC_NAMES: readonly string[] = [
  'ai',
  'football',
  'cooking',
  'music',
  'gaming',
  'finance',
  'travel',
  'fitness',
  'movies',
  'science',
  'fashion',
  'politics',
  'photography',
  'books',
  'startups',
  'pets',
];

/** Human-readable name of topic `t` (`ai`, `football`, …; `topic-<t>` beyond the first 16). */
export function topicName(t: number): string {
  return TOPIC_NAMES[t] ?? `topic-${t}`;
}

/** T random unit centroids in D dimensions, row-major (T × D). */
export function generateTopicCentroids(rng: Rng, topics: number, dim: number): Float32Array {
  const c = new Float32Array(topics * dim);
  for (let t = 0; t < topics; t++) {
    for (let k = 0; k < dim; k++) {
      c[t * dim + k] = rng.normal();
    }
    normalizeInPlace(c, t * dim, dim);
  }
  return c;
}
