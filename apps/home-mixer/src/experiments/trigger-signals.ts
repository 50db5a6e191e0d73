import type { ComponentStatus, PipelineRecord } from '@foryou/candidate-pipeline';
import type { TriggerSignals } from '@foryou/experiments';
import type { ForYouQuery } from '../query/for-you-query';
import { notFollowedRecentAuthors } from '../pipeline/sources/recent-engaged-authors.source';

/** The nested run that holds the post sources (see for-you.pipeline.ts). */
const SCORED_POSTS_SOURCE = 'ScoredPostsSource';
const RETRIEVAL_SOURCE = 'PhoenixRetrievalSource';
/** Statuses whose output counts as supply (`partial`: a prefix of the answer, still candidates). */
const SUPPLYING: ReadonlySet<ComponentStatus> = new Set(['ok', 'empty', 'partial']);

/**
 * The experiment trigger's inputs for one served request, computed identically in every arm from what
 * every arm runs (book 6.7.5): retrieval's out-of-network output before any filtering (a failed,
 * timed-out, disabled or missing retrieval counts 0: supply IS short), and the viewer's recently engaged
 * authors they do not follow (null when the action sequence or the follow list is unknown).
 */
export function triggerSignals(query: ForYouQuery, record: PipelineRecord): TriggerSignals {
  return {
    outOfNetworkSupply: outOfNetworkSupply(record),
    recentEngagedAuthors:
      query.recentEngagedAuthors.state === 'known' && query.followedIds.state === 'known'
        ? notFollowedRecentAuthors(query).size
        : null,
  };
}

function outOfNetworkSupply(record: PipelineRecord): number {
  const scored = record.nested[SCORED_POSTS_SOURCE];
  const sources = scored?.stages.find((s) => s.stage === 'sources');
  const retrieval = sources?.components.find((c) => c.component === RETRIEVAL_SOURCE);
  return retrieval && SUPPLYING.has(retrieval.status) ? (retrieval.outputCount ?? 0) : 0;
}
