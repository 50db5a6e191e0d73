import { FIXTURE, type World } from '@foryou/world';
import type { CandidateCacheRepository, ServedHistoryRepository } from '@foryou/feed-state';
import type { FeedClock } from './feed-clock';

const HOUR = 3_600_000;

/**
 * Writes the world's initial served history and candidate cache into the stores, served "an hour before
 * the world's now". Idempotent for every viewer. The fixture viewer (xiaolin) is *restored*: her
 * history is replaced by the seed, so every start shows the A–F story from its beginning; other
 * viewers' seeds are added to whatever history they have. Seeded cache entries have no TTL; entries
 * written by requests replace them and expire normally.
 */
export async function seedWorldState(
  world: World,
  stores: { servedHistory: ServedHistoryRepository; candidateCache: CandidateCacheRepository },
  feedClock: FeedClock,
  maxEntries: number,
): Promise<{ viewers: number }> {
  const servedAtMs = feedClock.toWall(world.nowMs - HOUR);
  let viewers = 0;
  for (const userId of world.users.keys()) {
    const served = world.servedHistory(userId).map((postId) => ({ postId, servedAtMs }));
    const cached = world.cachedCandidates(userId);
    if (userId === FIXTURE.viewerId) {
      await stores.servedHistory.replace(userId, served, maxEntries);
    } else if (served.length > 0) {
      await stores.servedHistory.apply(
        {
          viewerId: userId,
          requestId: 'seed',
          requestType: 'seed',
          servedAtMs,
          postIds: served.map((e) => e.postId),
          maxEntries,
        },
        `seed/${world.version}/${userId}/${servedAtMs}`,
      );
    }
    if (cached.length > 0) {
      await stores.candidateCache.seed(
        userId,
        cached.map((postId, i) => ({ postId, score: 1 / (i + 1), version: `seed/${world.version}` })),
      );
    }
    if (served.length > 0 || cached.length > 0) {
      viewers += 1;
    }
  }
  return { viewers };
}
