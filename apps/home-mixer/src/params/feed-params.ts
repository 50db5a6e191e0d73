import type { Action } from '@foryou/world';

/**
 * Every tunable of the For You pipelines. A request reads params only from the snapshot frozen in its
 * query at the entry, never from the store, so a change mid-request cannot mix two configurations.
 */
export interface FeedParams {
  /** Total time a request may take, from the entry (monotonic). */
  readonly requestBudgetMs: number;
  /** Kept back from I/O components for filtering, selection and the response. */
  readonly reserveMs: number;
  readonly inNetwork: {
    readonly enabled: boolean;
    readonly timeoutMs: number;
    readonly maxPerAuthor: number;
    readonly maxResults: number;
    readonly maxAgeMs: number;
  };
  readonly retrieval: {
    readonly enabled: boolean;
    readonly timeoutMs: number;
    readonly k: number;
    readonly maxAgeMs: number;
    /** Engagements sent as the user-tower input. */
    readonly actionSequenceLength: number;
  };
  readonly cachedPosts: { readonly enabled: boolean; readonly timeoutMs: number };
  /**
   * RecentEngagedAuthorsSource (book 6.8, experiment `recent-engaged-authors-source`): fresh posts by
   * authors the viewer recently engaged with but does not follow, used only when out-of-network supply
   * is short.
   */
  readonly recentEngagedAuthors: {
    readonly enabled: boolean;
    /** Most posts the source asks Thunder for. */
    readonly candidateLimit: number;
    /** The source's own timeout (within the request deadline). */
    readonly deadlineMs: number;
    /** Largest share (0–1) of the scored posts (`scoredPostsSize`) its candidates may take. */
    readonly ratio: number;
    /** Its candidates are kept only when retrieval supplied fewer out-of-network candidates than this. */
    readonly oonSupplyBelow: number;
  };
  readonly hydrationTimeoutMs: number;
  readonly ranking: {
    readonly timeoutMs: number;
    /** Weight per predicted action (x-algorithm RankingScorer defaults where the map gives them). */
    readonly weights: Readonly<Record<Action, number>>;
    readonly negativeScoresOffset: number;
    readonly authorDiversityDecay: number;
    readonly authorDiversityFloor: number;
    readonly oonWeightFactor: number;
  };
  /** Posts the inner pipeline returns to the blender. */
  readonly scoredPostsSize: number;
  readonly servedHistory: { readonly maxEntries: number; readonly excludeWindowMs: number };
  readonly ads: {
    readonly enabled: boolean;
    readonly timeoutMs: number;
    /** Fewer organic posts than this → no ads at all. */
    readonly minPosts: number;
    readonly maxAdsPerPage: number;
    /** Minimum number of organic posts between two ads. */
    readonly minSpacing: number;
    /** Preferred 0-based slot of the first ad. */
    readonly firstAdPosition: number;
  };
  readonly whoToFollow: {
    readonly enabled: boolean;
    readonly timeoutMs: number;
    readonly maxUsers: number;
    /** 0-based page index of the module (x-algorithm WHO_TO_FOLLOW_POSITION − 1). */
    readonly position: number;
  };
  readonly candidateCache: { readonly maxPostsToCache: number; readonly ttlSeconds: number };
}

/** Versioned, deeply frozen params as a request sees them. */
export interface ParamsSnapshot {
  readonly version: string;
  readonly values: FeedParams;
}
