import type { World } from '@foryou/world';
import type { CandidateCacheRepository } from '../repositories/candidate-cache.repository';
import type { ServedHistoryRepository } from '../repositories/served-history.repository';

const HOUR = 3_600_000;

/**
 * Writes the world's initial served history and candidate cache (e.g. xiaolin's C) into the stores.
 * Idempotent: re-running writes the same entries. Seeded cache entries have no TTL; entries written
 * by requests replace them and expire normally.
 */
export async function seedWorldState(
  world: World,
  stores: { servedHistory: ServedHistoryRepository; candidateCache: CandidateCacheRepository },
  maxEntries: number,
): Promise<{ viewers: number }> {
  let viewers = 0;
  for (const userId of world.users.keys()) {
    const served = world.servedHistory(userId);
    const cached = world.cachedCandidates(userId);
    if (served.length === 0 && cached.length === 0) {
      continue;
    }
    viewers += 1;
    if (served.length > 0) {
      await stores.servedHistory.append(
        userId,
        served.map((postId) => ({ postId, servedAtMs: world.nowMs - HOUR })),
        maxEntries,
      );
    }
    if (cached.length > 0) {
      await stores.candidateCache.write(
        userId,
        cached.map((postId, i) => ({ postId, score: 1 / (i + 1), version: `seed/${world.version}` })),
      );
    }
  }
  return { viewers };
}
