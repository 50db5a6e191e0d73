import {
  fail,
  ok,
  sourced,
  type ComponentContext,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import { callContext } from '../../clients/call-context';
import type { InNetworkPostsClient, InNetworkResponse } from '../../clients/in-network-posts.client';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * In-network candidates: recent posts by followed authors (x-algorithm ThunderSource). Served history
 * is passed as excludes so Thunder does not return what the viewer already saw. A partial answer (the
 * store ran out of time) is kept and reported as `partial`.
 */
export class ThunderSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'ThunderSource';

  constructor(private readonly _client: InNetworkPostsClient) {}

  enabled(query: ForYouQuery): boolean {
    return query.params.values.inNetwork.enabled && query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.inNetwork.timeoutMs;
  }

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    if (query.followedIds.state !== 'known') {
      return fail('dependency_unavailable', 'followed ids unknown');
    }
    const p = query.params.values.inNetwork;
    const served = query.servedHistory.state === 'known' ? query.servedHistory.value : [];
    const result = await this._client.postsByAuthors({
      viewerId: query.viewerId,
      authorIds: query.followedIds.value,
      excludeIds: new Set(served.map((e) => e.postId)),
      maxPerAuthor: p.maxPerAuthor,
      maxResults: p.maxResults,
      notBeforeMs: query.contentTimeMs - p.maxAgeMs,
      call: callContext(query.requestId, ctx),
    });
    if (!result.ok) {
      return result;
    }
    return ok(
      thunderCandidates(result.value, 'in_network', 'Thunder answered before scanning every followed author'),
    );
  }
}

/**
 * Thunder's answer as source output: posts with their author and reply/repost links, the store version
 * as provenance, and a `partial` reason (`<why> (<n> posts)`) when Thunder ran out of time.
 */
export function thunderCandidates(
  answer: InNetworkResponse,
  servedType: 'in_network' | 'recent_engaged_author',
  partialReason: string,
): SourceOutput<FeedCandidate> {
  const { posts, partial, storeVersion } = answer;
  return {
    candidates: posts.map((post) =>
      sourced<FeedCandidate>(
        {
          id: post.postId,
          type: 'post',
          servedType,
          authorId: post.authorId,
          inNetwork: servedType === 'in_network',
          ...(post.repostOfPostId ? { repostOfPostId: post.repostOfPostId } : {}),
          ...(post.replyToPostId ? { replyToPostId: post.replyToPostId } : {}),
        },
        undefined,
        storeVersion,
      ),
    ),
    ...(partial ? { partial: `${partialReason} (${posts.length} posts)` } : {}),
  };
}
