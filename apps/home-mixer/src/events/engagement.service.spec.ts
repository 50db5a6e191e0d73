import { parseEngagementRequest, type ParsedBatch } from './engagement-request';
import { servedProblems } from './engagement.service';

const NOW = 1_750_000_000_000;

function batch(
  viewerId: string,
  events: readonly [id: string, postId: string, requestId?: string][],
): ParsedBatch {
  const result = parseEngagementRequest(
    {
      viewer_id: viewerId,
      events: events.map(([id, postId, requestId]) => ({
        client_event_id: id,
        type: 'favorite',
        post_id: postId,
        occurred_at_ms: NOW,
        ...(requestId ? { request_id: requestId } : {}),
      })),
    },
    NOW,
  );
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  return result.batch;
}

describe('servedProblems', () => {
  const records = new Map([
    ['req-of-u1', { viewerId: 'u1', itemIds: ['p1', 'p2', 'ad-1'] }],
    ['req-of-u2', { viewerId: 'u2', itemIds: ['p1'] }],
  ]);

  it('accepts events of responses served to the viewer with the post, without a request id, or whose record expired', () => {
    const b = batch('u1', [
      ['e1', 'p1', 'req-of-u1'],
      ['e2', 'ad-1', 'req-of-u1'],
      ['e3', 'p9'],
      ['e4', 'p9', 'req-expired'],
    ]);
    expect(servedProblems(b, records)).toEqual([]);
  });

  it('rejects an event naming a response served to another viewer, or one that did not serve the post', () => {
    const b = batch('u1', [
      ['e1', 'p1', 'req-of-u2'],
      ['e2', 'p3', 'req-of-u1'],
      ['e3', 'p2', 'req-of-u1'],
    ]);
    expect(servedProblems(b, records)).toEqual([
      { field: 'events.0.request_id', reason: 'response req-of-u2 was served to another viewer' },
      { field: 'events.1.post_id', reason: 'post p3 was not served in response req-of-u1' },
    ]);
  });
});
