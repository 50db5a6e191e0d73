import { ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';

export interface AdCandidate {
  readonly adId: string;
  readonly advertiserId: string;
  readonly relevance: number;
}

/** Ads eligible for a viewer, best first (the ads-serving role). */
export interface AdsClient {
  adsFor(viewerId: string, max: number, signal: AbortSignal): Promise<Result<readonly AdCandidate[]>>;
}

/** Ranks the world's ads by viewer·ad embedding affinity × bid; unknown viewers get the top bids. */
export class WorldAdsClient implements AdsClient {
  constructor(private readonly _world: World) {}

  adsFor(viewerId: string, max: number): Promise<Result<readonly AdCandidate[]>> {
    const user = this._world.users.get(viewerId);
    const ranked = this._world.ads
      .map((ad) => {
        let affinity = 1;
        if (user) {
          affinity = 0;
          for (let d = 0; d < ad.embedding.length; d++) {
            affinity += user.embedding[d]! * ad.embedding[d]!;
          }
        }
        return {
          adId: ad.id,
          advertiserId: ad.advertiserId,
          relevance: Math.max(0, affinity) * ad.bidMicros,
        };
      })
      .sort((a, b) => b.relevance - a.relevance || a.adId.localeCompare(b.adId));
    return Promise.resolve(ok(ranked.slice(0, max)));
  }
}
