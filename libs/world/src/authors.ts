import { cumulative, type Rng, shuffleInPlace } from './rng';
import { primaryTopic } from './users';

/** An author forced to a popularity rank: rank = floor(rankFraction × number of authors). */
export interface FixedAuthor {
  userIndex: number;
  rankFraction: number;
}

/**
 * The authors (≈20% of users) ranked by popularity, with the sampling distributions derived
 * from that rank. Rank 0 is the most popular author.
 */
export interface AuthorPool {
  /** User index of the author at each rank. */
  readonly byRank: Int32Array;
  /** Per user index: the author's rank, or -1 for non-authors. */
  readonly rankOf: Int32Array;
  /** Zipf(s = POPULARITY_EXPONENT) over ranks: who gets followed. */
  readonly popularityCdf: Float64Array;
  /** Gentler Zipf over ranks: who writes posts. */
  readonly activityCdf: Float64Array;
  /** Per topic: ranks (ascending) of authors whose primary topic it is. */
  readonly topicRanks: readonly Int32Array[];
  /** Per topic: popularity CDF restricted to `topicRanks[t]` (empty when no author has topic t). */
  readonly topicCdfs: readonly Float64Array[];
}

export const AUTHOR_SHARE = 0.2;
const POPULARITY_EXPONENT = 1.0;
const ACTIVITY_EXPONENT = 0.6;

/**
 * Picks generic authors (each user with probability AUTHOR_SHARE, excluding `nonAuthors`), ranks
 * them by a random permutation, then inserts the fixed authors at their rank fractions.
 */
export function selectAuthors(
  rng: Rng,
  userCount: number,
  fixedAuthors: readonly FixedAuthor[],
  nonAuthors: ReadonlySet<number>,
  interests: Float32Array,
  topics: number,
): AuthorPool {
  const fixedSet = new Set(fixedAuthors.map((f) => f.userIndex));
  const generic: number[] = [];
  for (let u = 0; u < userCount; u++) {
    if (fixedSet.has(u) || nonAuthors.has(u)) {
      continue;
    }
    if (rng.next() < AUTHOR_SHARE) {
      generic.push(u);
    }
  }
  const order = Int32Array.from(generic);
  shuffleInPlace(rng, order);
  const ranked: number[] = Array.from(order);
  const total = ranked.length + fixedAuthors.length;
  const byFraction = [...fixedAuthors].sort((a, b) => a.rankFraction - b.rankFraction);
  for (const f of byFraction) {
    ranked.splice(Math.min(ranked.length, Math.floor(f.rankFraction * total)), 0, f.userIndex);
  }
  const byRank = Int32Array.from(ranked);
  const rankOf = new Int32Array(userCount).fill(-1);
  const popularity = new Float64Array(total);
  const activity = new Float64Array(total);
  const topicLists: number[][] = Array.from({ length: topics }, () => []);
  for (let r = 0; r < total; r++) {
    const u = byRank[r]!;
    rankOf[u] = r;
    popularity[r] = Math.pow(r + 1, -POPULARITY_EXPONENT);
    activity[r] = Math.pow(r + 1, -ACTIVITY_EXPONENT);
    topicLists[primaryTopic(interests, u, topics)]!.push(r);
  }
  const topicRanks = topicLists.map((l) => Int32Array.from(l));
  const topicCdfs = topicRanks.map((ranks) => cumulative(Array.from(ranks, (r) => popularity[r]!)));
  return {
    byRank,
    rankOf,
    popularityCdf: cumulative(popularity),
    activityCdf: cumulative(activity),
    topicRanks,
    topicCdfs,
  };
}
