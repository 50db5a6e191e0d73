import type { FeedParams } from './feed-params';

const HOUR = 3_600_000;

/** Params v1: the production defaults. */
export const DEFAULT_PARAMS: FeedParams = {
  requestBudgetMs: 250,
  reserveMs: 25,
  inNetwork: { enabled: true, timeoutMs: 80, maxPerAuthor: 5, maxResults: 300, maxAgeMs: 48 * HOUR },
  retrieval: { enabled: true, timeoutMs: 80, k: 200, maxAgeMs: 48 * HOUR, actionSequenceLength: 64 },
  cachedPosts: { enabled: true, timeoutMs: 30 },
  recentEngagedAuthors: {
    enabled: false,
    candidateLimit: 50,
    deadlineMs: 40,
    ratio: 0.3,
    oonSupplyBelow: 100,
  },
  hydrationTimeoutMs: 50,
  ranking: {
    timeoutMs: 60,
    weights: {
      favorite: 0.5,
      reply: 5,
      repost: 1,
      click: 0.4,
      dwell: 0.2,
      not_interested: -43.2,
      block_author: -31.2,
      mute_author: -58.8,
      report: -234,
    },
    negativeScoresOffset: 0.001,
    authorDiversityDecay: 0.5,
    authorDiversityFloor: 0.25,
    oonWeightFactor: 0.75,
  },
  scoredPostsSize: 35,
  servedHistory: { maxEntries: 500, excludeWindowMs: 24 * HOUR },
  ads: { enabled: true, timeoutMs: 30, minPosts: 5, maxAdsPerPage: 2, minSpacing: 3, firstAdPosition: 2 },
  whoToFollow: { enabled: true, timeoutMs: 30, maxUsers: 3, position: 5 },
  candidateCache: { maxPostsToCache: 50, ttlSeconds: 180 },
};
