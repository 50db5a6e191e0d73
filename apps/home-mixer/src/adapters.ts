import { actionHistory, type World } from '@foryou/world';
import type { Redis } from 'ioredis';
import { WorldActionHistoryClient, type ActionHistoryClient } from './clients/action-history.client';
import { WorldAdsClient, type AdsClient } from './clients/ads.client';
import { ContentSafetyLabelsClient, redisContentLabelReader } from './clients/content-safety-labels.client';
import { PhoenixGrpcClient } from './clients/grpc/phoenix.grpc-client';
import { ThunderGrpcClient } from './clients/grpc/thunder.grpc-client';
import type { InNetworkPostsClient } from './clients/in-network-posts.client';
import { WorldPostStoreClient, type PostStoreClient } from './clients/post-store.client';
import type { RankingClient } from './clients/ranking.client';
import type { RetrievalClient } from './clients/retrieval.client';
import { WorldSafetyLabelsClient, type SafetyLabelsClient } from './clients/safety-labels.client';
import { WorldSocialGraphClient, type SocialGraphClient } from './clients/social-graph.client';
import { WorldSuggestionsClient, type SuggestionsClient } from './clients/suggestions.client';
import { WorldUserStoreClient, type UserStoreClient } from './clients/user-store.client';
import type { AppConfig } from './config/app-config';
import {
  RedisCandidateCacheRepository,
  RedisServedHistoryRepository,
  ServedCandidatesLog,
  type CandidateCacheRepository,
  type ServedCandidatesRepository,
  type ServedHistoryRepository,
} from '@foryou/feed-state';

/** Every I/O boundary of home-mixer. The composition root picks implementations; nothing else does. */
export interface Adapters {
  readonly socialGraph: SocialGraphClient;
  readonly actionHistory: ActionHistoryClient;
  readonly inNetworkPosts: InNetworkPostsClient;
  readonly retrieval: RetrievalClient;
  readonly postStore: PostStoreClient;
  readonly safetyLabels: SafetyLabelsClient;
  readonly ranking: RankingClient;
  readonly ads: AdsClient;
  readonly suggestions: SuggestionsClient;
  readonly users: UserStoreClient;
  readonly servedHistory: ServedHistoryRepository;
  readonly candidateCache: CandidateCacheRepository;
  readonly servedCandidates: ServedCandidatesRepository;
}

/** Every adapter's name: what fault injection can switch. */
export const ADAPTER_NAMES: readonly (keyof Adapters)[] = [
  'socialGraph',
  'actionHistory',
  'inNetworkPosts',
  'retrieval',
  'postStore',
  'safetyLabels',
  'ranking',
  'ads',
  'suggestions',
  'users',
  'servedHistory',
  'candidateCache',
  'servedCandidates',
];

/** Stores whose data is the synthetic world itself (no separate service plays these roles). */
export function worldStores(
  world: World,
): Pick<
  Adapters,
  'socialGraph' | 'actionHistory' | 'postStore' | 'safetyLabels' | 'ads' | 'suggestions' | 'users'
> {
  return {
    socialGraph: new WorldSocialGraphClient(world),
    actionHistory: new WorldActionHistoryClient(actionHistory(world)),
    postStore: new WorldPostStoreClient(world),
    safetyLabels: new WorldSafetyLabelsClient(world),
    ads: new WorldAdsClient(world),
    suggestions: new WorldSuggestionsClient(world),
    users: new WorldUserStoreClient(world),
  };
}

export interface ProductionAdapters extends Adapters {
  readonly thunder: ThunderGrpcClient;
  readonly phoenix: PhoenixGrpcClient;
}

/**
 * Production: Thunder and Phoenix over gRPC, state in Redis, world-backed stores for the rest; safety
 * labels the world has not got (`not_found`) are filled from Grox's published `content:<postId>`.
 */
export function productionAdapters(world: World, redis: Redis, config: AppConfig): ProductionAdapters {
  const thunder = new ThunderGrpcClient(config.thunderAddress);
  const phoenix = new PhoenixGrpcClient(config.phoenixAddress);
  const stores = worldStores(world);
  return {
    ...stores,
    safetyLabels: new ContentSafetyLabelsClient(stores.safetyLabels, redisContentLabelReader(redis)),
    thunder,
    phoenix,
    inNetworkPosts: thunder,
    retrieval: phoenix,
    ranking: phoenix,
    servedHistory: new RedisServedHistoryRepository(redis),
    candidateCache: new RedisCandidateCacheRepository(redis),
    servedCandidates: new ServedCandidatesLog(redis),
  };
}
