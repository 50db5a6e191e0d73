import {
  ok,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import { callContext } from '../../clients/call-context';
import type { InNetworkPostsClient } from '../../clients/in-network-posts.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { thunderCandidates } from './thunder.source';

/** Most posts per recently engaged author: the source adds variety, not one author's backlog. */
const MAX_PER_AUTHOR = 3;

/**
 * RecentEngagedAuthorsSource (book 6.8): fresh posts by authors the viewer recently engaged with but
 * does not follow, read from Thunder's per-author post store. It only fetches; whether its candidates
 * are used (out-of-network supply short) and how many is RecentEngagedAuthorsGateFilter's decision,
 * because retrieval runs in parallel and its supply is only known after the sources stage.
 * Off unless `recentEngagedAuthors.enabled` (the experiment's treatment turns it on).
 */
export class RecentEngagedAuthorsSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'RecentEngagedAuthorsSource';

  constructor(private readonly _client: InNetworkPostsClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.recentEngagedAuthors.enabled && query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.recentEngagedAuthors.deadlineMs;
  }

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    const authors = notFollowedRecentAuthors(query);
    if (authors.size === 0) {
      return ok({ candidates: [] });
    }
    const p = query.params.values;
    const served = query.servedHistory.state === 'known' ? query.servedHistory.value : [];
    const result = await this._client.postsByAuthors({
      viewerId: query.viewerId,
      authorIds: authors,
      excludeIds: new Set(served.map((e) => e.postId)),
      maxPerAuthor: MAX_PER_AUTHOR,
      maxResults: p.recentEngagedAuthors.candidateLimit,
      notBeforeMs: query.contentTimeMs - p.inNetwork.maxAgeMs,
      call: callContext(query.requestId, ctx),
    });
    if (!result.ok) {
      return result;
    }
    return ok(
      thunderCandidates(
        result.value,
        'recent_engaged_author',
        'Thunder answered before scanning every author',
      ),
    );
  }
}

/**
 * The viewer's recently engaged authors minus the followed ones (ThunderSource already serves those)
 * and the viewer. Empty when either fact is unknown: without the follow list the source would only
 * duplicate in-network supply.
 */
export function notFollowedRecentAuthors(query: ForYouQuery): ReadonlySet<string> {
  if (query.recentEngagedAuthors.state !== 'known' || query.followedIds.state !== 'known') {
    return new Set();
  }
  const followed = query.followedIds.value;
  return new Set(query.recentEngagedAuthors.value.filter((a) => !followed.has(a) && a !== query.viewerId));
}
