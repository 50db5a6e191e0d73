import { known, type ComponentContext, type QueryHydrator, type Result } from '@foryou/candidate-pipeline';
import type { ActionHistoryClient } from '../../clients/action-history.client';
import { callContext } from '../../clients/call-context';
import type { PostStoreClient } from '../../clients/post-store.client';
import type { ForYouQuery, UserAction } from '../../query/for-you-query';

/**
 * The viewer's recent engagements, the input of Phoenix's user tower (x-algorithm
 * ScoringSequence/RetrievalSequence hydrators), and the distinct authors of those posts (most recent
 * first), which RecentEngagedAuthorsSource and the experiment trigger read. Fail-open: without the
 * sequence retrieval is unpersonalised; if only the author lookup fails, `recentEngagedAuthors` stays
 * unknown (in every arm alike).
 */
export class UserActionSequenceQueryHydrator implements QueryHydrator<ForYouQuery> {
  readonly name = 'UserActionSequence';
  readonly fields = ['actionSequence', 'recentEngagedAuthors'] as const;

  constructor(
    private readonly _history: ActionHistoryClient,
    private readonly _posts: PostStoreClient,
  ) {}

  enabled(query: ForYouQuery): boolean {
    return query.viewerKnown;
  }

  timeoutMs(query: ForYouQuery): number {
    return query.params.values.hydrationTimeoutMs;
  }

  async hydrate(query: ForYouQuery, ctx: ComponentContext): Promise<Result<Partial<ForYouQuery>>> {
    const result = await this._history.recent(
      query.viewerId,
      query.params.values.retrieval.actionSequenceLength,
      query.contentTimeMs,
      callContext(query.requestId, ctx),
    );
    if (!result.ok) {
      return result;
    }
    const actionSequence = known(result.value);
    const authors = await this.authorsOf(result.value, ctx.signal);
    return {
      ok: true,
      value: authors === null ? { actionSequence } : { actionSequence, recentEngagedAuthors: known(authors) },
    };
  }

  /** Distinct authors in sequence order; null when the post store could not answer. */
  private async authorsOf(actions: readonly UserAction[], signal: AbortSignal): Promise<string[] | null> {
    if (actions.length === 0) {
      return [];
    }
    const postIds = [...new Set(actions.map((a) => a.postId))];
    const core = await this._posts.coreData(postIds, signal);
    if (!core.ok) {
      return null;
    }
    const authors = new Set<string>();
    for (const id of postIds) {
      const field = core.value.get(id);
      if (field?.state === 'present') {
        authors.add(field.value.authorId);
      }
    }
    return [...authors];
  }
}
