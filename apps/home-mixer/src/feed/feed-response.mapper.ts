import type { Degradation as PipelineDegradation, PipelineResult } from '@foryou/candidate-pipeline';
import type { FeedItem, FeedResponse } from '@foryou/contracts';
import type { ForYouQuery } from '../query/for-you-query';
import type { FeedCandidate } from '../pipeline/candidate/post-candidate';

/** The boundary between the internal candidate and the external FeedItem. */
export function toFeedItem(c: FeedCandidate, position: number): FeedItem {
  return {
    id: c.id,
    type: c.type,
    author_id: c.authorId ?? null,
    position,
    served_type: c.servedType,
    score: c.type === 'post' ? (c.score ?? null) : null,
    ...(c.suggestedUserIds ? { users: [...c.suggestedUserIds] } : {}),
  };
}

export function toFeedResponse(result: PipelineResult<ForYouQuery, FeedCandidate>): FeedResponse {
  const { query } = result;
  const items = result.selected.map(toFeedItem);
  const all = collectCandidates(result);
  return {
    request_id: query.requestId,
    viewer_id: query.viewerId,
    surface: query.surface,
    items,
    explanation: explain(result, items.length),
    degradation: {
      degraded: result.degradations.some((d) => d.status !== 'disabled'),
      components: result.degradations.map(toDegradedComponent),
    },
    counts: {
      retrieved: all.retrieved,
      filtered: all.filtered,
      not_selected: all.notSelected,
      returned: items.length,
      posts: items.filter((i) => i.type === 'post').length,
      ads: items.filter((i) => i.type === 'ad').length,
    },
    version_vector: {
      ...query.versionVector,
      model: modelVersionOf(result.selected) ?? query.versionVector.model,
    },
  };
}

/** The ranking model that scored the served posts (all come from one ranking call). */
function modelVersionOf(selected: readonly FeedCandidate[]): string | undefined {
  return selected.find((c) => c.type === 'post' && c.modelVersion)?.modelVersion;
}

function toDegradedComponent(d: PipelineDegradation): FeedResponse['degradation']['components'][number] {
  return {
    pipeline: d.pipeline,
    stage: d.stage,
    component: d.component,
    status: d.status,
    policy: d.policy,
    error_kind: d.errorKind,
    reason: d.reason,
  };
}

/** Counts over the scored-posts ledger (posts) plus the outer ledger (ads). */
function collectCandidates(result: PipelineResult<ForYouQuery, FeedCandidate>) {
  const inner = Object.values(result.record.nested).flatMap((r) => r.candidates);
  const outerAds = result.record.candidates.filter((c) => c.sources.some((s) => s.source === 'AdsSource'));
  const innerDropped = inner.filter((c) => c.fate.bucket !== 'selected');
  const outerPosts = result.record.candidates.filter((c) => !outerAds.includes(c));
  return {
    retrieved: inner.length + outerAds.length,
    filtered: innerDropped.filter((c) => c.fate.bucket === 'filtered').length,
    notSelected:
      innerDropped.filter((c) => c.fate.bucket === 'not_selected').length +
      [...outerPosts, ...outerAds].filter((c) => c.fate.bucket === 'not_selected').length,
  };
}

function explain(result: PipelineResult<ForYouQuery, FeedCandidate>, returned: number): string | null {
  const { query } = result;
  if (!query.viewerKnown) {
    return `viewer '${query.viewerId}' is not known: no follow graph or interests to personalise from, so no posts were retrieved`;
  }
  if (returned === 0) {
    const failed = result.degradations
      .filter((d) => d.status !== 'disabled')
      .map((d) => `${d.component} (${d.status})`);
    return failed.length > 0
      ? `no items could be served; degraded components: ${failed.join(', ')}`
      : 'no eligible items: every candidate was filtered or none was retrieved (see /v1/feed/for-you/debug)';
  }
  if (returned < query.limit) {
    return `${returned} of ${query.limit} requested items: fewer eligible candidates than the page size`;
  }
  return null;
}
