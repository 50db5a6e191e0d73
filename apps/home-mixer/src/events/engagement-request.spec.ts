import fc from 'fast-check';
import {
  ATTRIBUTION_HORIZON_MS,
  batchIdOf,
  eventTypesOf,
  MAX_EVENTS_PER_BATCH,
  MAX_FUTURE_SKEW_MS,
  parseEngagementRequest,
  type ParseResult,
} from './engagement-request';

const NOW = 1_750_000_000_000;

type RawEvent = Record<string, unknown>;

const event = (id: string, over: RawEvent = {}): RawEvent => ({
  client_event_id: id,
  type: 'favorite',
  post_id: 'p1',
  request_id: 'req-0001',
  occurred_at_ms: NOW - 1_000,
  ...over,
});

const body = (events: readonly RawEvent[], over: RawEvent = {}) => ({ viewer_id: 'u1', events, ...over });

function problems(result: ParseResult): { field: string; reason: string }[] {
  if (result.ok) {
    throw new Error('expected the batch to be rejected');
  }
  return result.problems.map((p) => ({ ...p }));
}

function accepted(result: ParseResult) {
  if (!result.ok) {
    throw new Error(`expected the batch to be accepted: ${JSON.stringify(result.problems)}`);
  }
  return result.batch;
}

describe('parseEngagementRequest', () => {
  it('accepts a valid batch and normalises values (1 for discrete actions, ms for dwell)', () => {
    const batch = accepted(
      parseEngagementRequest(
        body([
          event('e1'),
          event('e2', { type: 'dwell', value: 5_400 }),
          event('e3', { type: 'click', value: 1, request_id: undefined }),
          event('e4', { type: 'dwell', value: 0, occurred_at_ms: NOW + MAX_FUTURE_SKEW_MS }),
          event('e5', { type: 'report', occurred_at_ms: NOW - ATTRIBUTION_HORIZON_MS }),
        ]),
        NOW,
      ),
    );
    expect(batch.viewerId).toBe('u1');
    expect(batch.duplicates).toEqual([]);
    expect(batch.events.map((e) => [e.clientEventId, e.type, e.value, e.requestId])).toEqual([
      ['e1', 'favorite', 1, 'req-0001'],
      ['e2', 'dwell', 5_400, 'req-0001'],
      ['e3', 'click', 1, null],
      ['e4', 'dwell', 0, 'req-0001'],
      ['e5', 'report', 1, 'req-0001'],
    ]);
    expect(batch.batchId).toBe(batchIdOf('u1', ['e1', 'e2', 'e3', 'e4', 'e5']));
  });

  it.each<[string, unknown, { field: string; reason: RegExp }]>([
    ['no body', undefined, { field: 'viewer_id', reason: /viewer_id is required/ }],
    ['a body that is not an object', 'hello', { field: 'body', reason: /object/ }],
    [
      'an invalid viewer id',
      body([event('e1')], { viewer_id: 'a b' }),
      { field: 'viewer_id', reason: /letters/ },
    ],
    ['no events', { viewer_id: 'u1' }, { field: 'events', reason: /events must be an array/ }],
    ['an empty batch', body([]), { field: 'events', reason: /at least one event/ }],
    [
      'too many events',
      body(Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => event(`e${i}`))),
      { field: 'events', reason: /at most 500 events/ },
    ],
    [
      'an unknown top-level field',
      body([event('e1')], { extra: 1 }),
      { field: 'extra', reason: /nrecognized/ },
    ],
    [
      'an unknown event field',
      body([event('e1', { like: true })]),
      { field: 'events.0.like', reason: /nrecognized/ },
    ],
    [
      'a missing client_event_id',
      body([event('e1', { client_event_id: undefined })]),
      { field: 'events.0.client_event_id', reason: /required/ },
    ],
    [
      'an invalid client_event_id',
      body([event('a b')]),
      { field: 'events.0.client_event_id', reason: /\[A-Za-z0-9\._:-\]/ },
    ],
    [
      'an unknown type',
      body([event('e1', { type: 'like' })]),
      { field: 'events.0.type', reason: /type must be one of favorite, reply/ },
    ],
    [
      'a missing post_id',
      body([event('e1', { post_id: undefined })]),
      { field: 'events.0.post_id', reason: /post_id is required/ },
    ],
    [
      'an invalid post_id',
      body([event('e1', { post_id: 'p/1' })]),
      { field: 'events.0.post_id', reason: /post_id must be/ },
    ],
    [
      'an invalid request_id',
      body([event('e1', { request_id: 'short' })]),
      { field: 'events.0.request_id', reason: /feed response request_id/ },
    ],
    [
      'a request_id that is not a string',
      body([event('e1', { request_id: 7 })]),
      { field: 'events.0.request_id', reason: /string/ },
    ],
    [
      'a fractional occurred_at_ms',
      body([event('e1', { occurred_at_ms: NOW + 0.5 })]),
      { field: 'events.0.occurred_at_ms', reason: /integer/ },
    ],
    [
      'a negative occurred_at_ms',
      body([event('e1', { occurred_at_ms: -1 })]),
      { field: 'events.0.occurred_at_ms', reason: /not be negative/ },
    ],
    [
      'a value that is not a number',
      body([event('e1', { type: 'dwell', value: '12' })]),
      { field: 'events.0.value', reason: /finite number/ },
    ],
    [
      'a dwell without value',
      body([event('e1', { type: 'dwell' })]),
      { field: 'events.0.value', reason: /required for dwell/ },
    ],
    [
      'a negative dwell',
      body([event('e1', { type: 'dwell', value: -5 })]),
      { field: 'events.0.value', reason: /≥ 0/ },
    ],
    [
      'a discrete action with value 2',
      body([event('e1', { type: 'repost', value: 2 })]),
      { field: 'events.0.value', reason: /absent or 1 for the discrete action repost/ },
    ],
    [
      'an event in the far future',
      body([event('e1', { occurred_at_ms: NOW + MAX_FUTURE_SKEW_MS + 1 })]),
      { field: 'events.0.occurred_at_ms', reason: /5 minutes in the future/ },
    ],
    [
      'an event beyond the horizon',
      body([event('e1', { occurred_at_ms: NOW - ATTRIBUTION_HORIZON_MS - 1 })]),
      { field: 'events.0.occurred_at_ms', reason: /7-day attribution horizon/ },
    ],
    [
      'the same id with other content',
      body([event('e1'), event('e1', { type: 'reply' })]),
      { field: 'events.1.client_event_id', reason: /e1 repeats events\.0 with different content/ },
    ],
  ])('rejects %s', (_what, raw, expected) => {
    expect(problems(parseEngagementRequest(raw, NOW))).toContainEqual({
      field: expected.field,
      reason: expect.stringMatching(expected.reason) as string,
    });
  });

  it('reports every problem of a batch at once, and the types for the rejected metric', () => {
    const result = parseEngagementRequest(
      body([
        event('e1', { type: 'dwell' }),
        event('e2', { occurred_at_ms: NOW + 10 * MAX_FUTURE_SKEW_MS }),
        event('e2', { occurred_at_ms: NOW }),
      ]),
      NOW,
    );
    expect(problems(result).map((p) => p.field)).toEqual([
      'events.0.value',
      'events.1.occurred_at_ms',
      'events.2.client_event_id',
    ]);
    expect(!result.ok && result.types).toEqual(['dwell', 'favorite', 'favorite']);
    expect(eventTypesOf(body([event('e1', { type: 'like' }), event('e2')]))).toEqual(['invalid', 'favorite']);
    expect(eventTypesOf({ events: 'no' })).toEqual([]);
  });

  it('counts an exact repeat of a client event id once (value 1 or absent is the same action)', () => {
    const batch = accepted(
      parseEngagementRequest(
        body([
          event('e1'),
          event('e2', { type: 'dwell', value: 800 }),
          event('e1', { value: 1 }),
          event('e2', { type: 'dwell', value: 800 }),
          event('e3'),
        ]),
        NOW,
      ),
    );
    expect(batch.events.map((e) => e.clientEventId)).toEqual(['e1', 'e2', 'e3']);
    expect(batch.duplicates.map((e) => [e.clientEventId, e.index])).toEqual([
      ['e1', 2],
      ['e2', 3],
    ]);
    // distinct real events on the same post (different ids) are all kept
    const two = accepted(parseEngagementRequest(body([event('a'), event('b')]), NOW));
    expect(two.events).toHaveLength(2);
  });
});

describe('batchIdOf', () => {
  it('is stable under reordering and in-batch repeats, and separates viewers and id sets', () => {
    const id = batchIdOf('u1', ['e1', 'e2']);
    expect(id).toMatch(/^eng_[0-9a-f]{40}$/);
    expect(batchIdOf('u1', ['e2', 'e1', 'e2'])).toBe(id);
    expect(batchIdOf('u2', ['e1', 'e2'])).not.toBe(id);
    expect(batchIdOf('u1', ['e1'])).not.toBe(id);
    expect(batchIdOf('u1', ['e1e2'])).not.toBe(id);
    expect(batchIdOf('u1e1', ['e2'])).not.toBe(batchIdOf('u1', ['e1', 'e2']));
  });

  it('a retried POST of the same events, in any order, gets the same batch id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/), { minLength: 1, maxLength: 20 }),
        fc.integer(),
        (ids, seed) => {
          const events = ids.map((id) => event(id));
          const shuffled = [...events].sort((a, b) => hash(a, seed) - hash(b, seed));
          const first = accepted(parseEngagementRequest(body(events), NOW));
          const retry = accepted(parseEngagementRequest(body(shuffled), NOW + 60_000));
          expect(retry.batchId).toBe(first.batchId);
        },
      ),
    );
  });
});

function hash(e: RawEvent, seed: number): number {
  let h = seed | 0;
  for (const c of String(e['client_event_id'])) {
    h = Math.imul(h ^ c.charCodeAt(0), 0x9e3779b1);
  }
  return h;
}
