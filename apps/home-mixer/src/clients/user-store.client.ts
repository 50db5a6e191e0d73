import { present, type FieldResult } from '@foryou/candidate-pipeline';
import type { World } from '@foryou/world';

export interface AuthorInfo {
  readonly handle: string;
  readonly followers: number;
}

/** Users and authors (the Gizmoduck role, reduced to what the feed needs). */
export interface UserStoreClient {
  exists(viewerId: string): boolean;
  /** Account creation time in the content frame (ms), null for an unknown viewer. */
  createdAtMs(viewerId: string): number | null;
  author(authorId: string): FieldResult<AuthorInfo>;
}

export const USER_STORE_CLIENT = Symbol('UserStoreClient');

export class WorldUserStoreClient implements UserStoreClient {
  constructor(private readonly _world: World) {}

  exists(viewerId: string): boolean {
    return this._world.users.has(viewerId);
  }

  createdAtMs(viewerId: string): number | null {
    return this._world.users.get(viewerId)?.createdAtMs ?? null;
  }

  author(authorId: string): FieldResult<AuthorInfo> {
    const user = this._world.users.get(authorId);
    return user
      ? present({ handle: user.handle, followers: this._world.followerCount(authorId) })
      : { state: 'not_found' };
  }
}
