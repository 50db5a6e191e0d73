import {
  ok,
  sourced,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import { callContext } from '../../clients/call-context';
import type { SuggestionsClient } from '../../clients/suggestions.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * One who-to-follow module of up to `maxUsers` accounts (x-algorithm WhoToFollowSource). Needs the
 * follow, block and mute lists to exclude; without them it suggests nothing rather than risk
 * suggesting a blocked account.
 */
export class WhoToFollowSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'WhoToFollowSource';

  constructor(private readonly _client: SuggestionsClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.whoToFollow.enabled && query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.whoToFollow.timeoutMs;
  }

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    const lists = [query.followedIds, query.blockedIds, query.mutedIds];
    if (lists.some((l) => l.state !== 'known')) {
      return ok({ candidates: [] });
    }
    const exclude = new Set(lists.flatMap((l) => (l.state === 'known' ? [...l.value] : [])));
    const result = await this._client.suggest({
      viewerId: query.viewerId,
      max: query.params.values.whoToFollow.maxUsers,
      exclude,
      call: callContext(query.requestId, ctx),
    });
    if (!result.ok) {
      return result;
    }
    if (result.value.length === 0) {
      return ok({ candidates: [] });
    }
    return ok({
      candidates: [
        sourced<FeedCandidate>({
          id: `wtf-${query.requestId}`,
          type: 'who_to_follow',
          servedType: 'who_to_follow',
          suggestedUserIds: result.value,
        }),
      ],
    });
  }
}
