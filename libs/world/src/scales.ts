import { type Scale } from './types';

/** Exact entity counts per scale (fixture entities included). */
export const SCALES: Readonly<Record<Scale, Readonly<{ users: number; posts: number; ads: number }>>> =
  Object.freeze({
    small: Object.freeze({ users: 1_000, posts: 10_000, ads: 20 }),
    medium: Object.freeze({ users: 10_000, posts: 100_000, ads: 100 }),
    large: Object.freeze({ users: 100_000, posts: 1_000_000, ads: 1_000 }),
  });

export const DEFAULT_TOPICS = 16;
export const DEFAULT_EMBEDDING_DIM = 32;

/** Fixed synthetic "now" of every world: 2026-01-01T00:00:00Z. */
export const WORLD_NOW_MS = Date.UTC(2026, 0, 1);

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Posts younger than this count as "recent" (in-network retrieval horizon of the fixture). */
export const RECENT_MS = 48 * HOUR_MS;

/** Oldest post age. */
export const MAX_POST_AGE_MS = 7 * DAY_MS;

/** Independent RNG stream per generation phase (see `deriveSeed`). */
export const STREAM = {
  topics: 1,
  users: 2,
  authors: 3,
  posts: 4,
  follows: 5,
  blocks: 6,
  safety: 7,
  ads: 8,
  fixture: 9,
  text: 10,
  history: 11,
  niche: 12,
  nicheReads: 13,
} as const;
