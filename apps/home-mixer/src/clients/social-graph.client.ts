import { ok, type Result } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';

/** Who a viewer follows, blocks and mutes (the social-graph service role). */
export interface SocialGraphClient {
  following(viewerId: string, signal: AbortSignal): Promise<Result<ReadonlySet<string>>>;
  blocked(viewerId: string, signal: AbortSignal): Promise<Result<ReadonlySet<string>>>;
  muted(viewerId: string, signal: AbortSignal): Promise<Result<ReadonlySet<string>>>;
}

export class WorldSocialGraphClient implements SocialGraphClient {
  constructor(private readonly _world: World) {}

  following(viewerId: string): Promise<Result<ReadonlySet<string>>> {
    return Promise.resolve(ok(this._world.following(viewerId)));
  }

  blocked(viewerId: string): Promise<Result<ReadonlySet<string>>> {
    return Promise.resolve(ok(this._world.blocked(viewerId)));
  }

  muted(viewerId: string): Promise<Result<ReadonlySet<string>>> {
    return Promise.resolve(ok(this._world.muted(viewerId)));
  }
}
