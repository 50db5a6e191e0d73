import { ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';
import type { CallContext } from './call-context';

export interface SuggestionRequest {
  readonly viewerId: string;
  readonly max: number;
  /** Accounts that must not be suggested: followed, blocked, muted, the viewer. */
  readonly exclude: ReadonlySet<string>;
  readonly call: CallContext;
}

/** Accounts to suggest following (x-algorithm WhoToFollowSource's backend). */
export interface SuggestionsClient {
  suggest(request: SuggestionRequest): Promise<Result<readonly string[]>>;
}

/**
 * The most-followed authors whose interests overlap the viewer's most (interest dot product ×
 * log followers), ties by id. Scans a bounded pool of the world's most-followed users.
 */
export class WorldSuggestionsClient implements SuggestionsClient {
  private readonly _pool: readonly { id: string; followers: number; interests: Float32Array }[];

  constructor(private readonly _world: World) {
    this._pool = [..._world.users.values()]
      .map((u) => ({ id: u.id, followers: _world.followerCount(u.id), interests: u.interests }))
      .sort((a, b) => b.followers - a.followers || a.id.localeCompare(b.id))
      .slice(0, 500);
  }

  suggest(request: SuggestionRequest): Promise<Result<readonly string[]>> {
    const viewer = this._world.users.get(request.viewerId);
    if (!viewer) {
      return Promise.resolve(ok([]));
    }
    const scored = this._pool
      .filter((a) => a.id !== request.viewerId && !request.exclude.has(a.id))
      .map((a) => {
        let overlap = 0;
        for (let t = 0; t < a.interests.length; t++) {
          overlap += a.interests[t]! * viewer.interests[t]!;
        }
        return { id: a.id, score: overlap * Math.log1p(a.followers) };
      })
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    return Promise.resolve(ok(scored.slice(0, request.max).map((s) => s.id)));
  }
}
