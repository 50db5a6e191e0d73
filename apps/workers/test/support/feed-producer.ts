import { Outbox, type Envelope } from '@foryou/async-work';
import {
  envelopeFor,
  historyKey,
  SERVED_CANDIDATES_STREAM,
  servedCandidatesWork,
  servedHistoryWork,
} from '@foryou/feed-state';
import type { Redis } from 'ioredis';

export interface ProducedRequest {
  readonly requestId: string;
  readonly viewerId: string;
  readonly postIds: readonly string[];
}

/**
 * Commits one served response's side effects exactly as home-mixer's outbox sink does (response record +
 * one outbox entry per effect in one MULTI), so worker-side tests need no home-mixer process.
 */
export async function commitResponse(
  redis: Redis,
  request: ProducedRequest,
  servedHistoryVersion: 1 | 2 = 2,
): Promise<Envelope[]> {
  const servedAtMs = Date.now();
  const ctx = { requestId: request.requestId, producer: 'test-producer@0', createdAtMs: servedAtMs };
  const envelopes = [
    envelopeFor(
      ctx,
      servedHistoryWork(
        {
          viewerId: request.viewerId,
          requestId: request.requestId,
          requestType: 'for_you',
          servedAtMs,
          postIds: request.postIds,
          maxEntries: 100,
        },
        servedHistoryVersion,
      ),
    ),
    envelopeFor(
      ctx,
      servedCandidatesWork({
        viewerId: request.viewerId,
        requestId: request.requestId,
        requestType: 'for_you',
        servedAtMs,
        maxHistoryEntries: 100,
        items: request.postIds.map((postId, position) => ({
          postId,
          position,
          sources: ['in_network'],
          score: 1,
          modelVersion: 'test',
        })),
      }),
    ),
  ];
  await new Outbox(redis).commit(envelopes, (tx) =>
    tx.set(`response:${request.requestId}`, JSON.stringify(request)),
  );
  return envelopes;
}

/** How many served-candidates entries each request has in the log (duplicates show as > items). */
export async function loggedItemsByRequest(redis: Redis): Promise<Map<string, number>> {
  const entries = await redis.xrange(SERVED_CANDIDATES_STREAM, '-', '+');
  const counts = new Map<string, number>();
  for (const [, fields] of entries) {
    const item = JSON.parse(fields[1]!) as { requestId: string };
    counts.set(item.requestId, (counts.get(item.requestId) ?? 0) + 1);
  }
  return counts;
}

export async function historyOf(redis: Redis, viewerId: string): Promise<string[]> {
  return (await redis.zrange(historyKey(viewerId), 0, -1)).sort();
}
