import {
  ok,
  type ComponentContext,
  type HydratedRow,
  type Hydrator,
  type Result,
} from '@foryou/candidate-pipeline';
import type { UserStoreClient } from '../../clients/user-store.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Author facts (x-algorithm GizmoduckCandidateHydrator): follower count and handle. Runs on the same
 * snapshot as CoreData, so it can only describe authors the source already named (in-network posts);
 * others stay unhydrated — the same limitation x-algorithm documents for its hydrator stage.
 */
export class AuthorHydrator implements Hydrator<ForYouQuery, FeedCandidate> {
  readonly name = 'AuthorHydrator';
  readonly fields = ['author'] as const;

  constructor(private readonly _users: UserStoreClient) {}

  hydrate(
    _query: ForYouQuery,
    candidates: readonly FeedCandidate[],
    _ctx: ComponentContext,
  ): Promise<Result<readonly HydratedRow<FeedCandidate>[]>> {
    return Promise.resolve(
      ok(
        candidates.map((c) => ({
          id: c.id,
          patch: { author: c.authorId ? this._users.author(c.authorId) : { state: 'not_found' as const } },
        })),
      ),
    );
  }
}
