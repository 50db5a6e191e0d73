import type { World } from '@foryou/world';

/** Whether a viewer exists (the Gizmoduck role, reduced to what the entry needs). */
export interface UserStoreClient {
  exists(viewerId: string): boolean;
}

export const USER_STORE_CLIENT = Symbol('UserStoreClient');

export class WorldUserStoreClient implements UserStoreClient {
  constructor(private readonly _world: World) {}

  exists(viewerId: string): boolean {
    return this._world.users.has(viewerId);
  }
}
