import type { World } from '@foryou/world';
import type { Redis } from 'ioredis';
import { worldStores, type Adapters } from '../adapters';
import {
  HeuristicRankingClient,
  WorldInNetworkPostsClient,
  WorldRetrievalClient,
} from './world-service-doubles';
import {
  InMemoryCandidateCacheRepository,
  InMemoryServedCandidatesLog,
  InMemoryServedHistoryRepository,
  RedisCandidateCacheRepository,
  RedisServedHistoryRepository,
  ServedCandidatesLog,
} from '@foryou/feed-state';

/**
 * Test doubles for Thunder and Phoenix: the world answers in-process (exact cosine retrieval over the
 * world's latent embeddings, a hand-set logistic ranker). Used by unit and HTTP integration tests; the
 * e2e tests and the demo run the real services.
 */
export function worldServiceDoubles(
  world: World,
): Pick<Adapters, 'inNetworkPosts' | 'retrieval' | 'ranking'> {
  return {
    inNetworkPosts: new WorldInNetworkPostsClient(world),
    retrieval: new WorldRetrievalClient(world),
    ranking: new HeuristicRankingClient(world),
  };
}

/** World stores + service doubles, with state in Redis (when given) or in memory. */
export function worldAdapters(world: World, redis?: Redis): Adapters {
  return {
    ...worldStores(world),
    ...worldServiceDoubles(world),
    servedHistory: redis ? new RedisServedHistoryRepository(redis) : new InMemoryServedHistoryRepository(),
    candidateCache: redis ? new RedisCandidateCacheRepository(redis) : new InMemoryCandidateCacheRepository(),
    servedCandidates: redis ? new ServedCandidatesLog(redis) : new InMemoryServedCandidatesLog(),
  };
}
