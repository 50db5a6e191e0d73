import type { MonotonicClock } from '@foryou/service-kit';
import { PostStore } from '../store/post-store';
import { createEvent, deleteEvent, testOptions } from '../store/testing/events';
import { Deadline } from './deadline';
import type { InNetworkRequest } from './in-network-scan';
import { runInNetworkQuery, type QueryControls } from './run-in-network-query';

/** A clock that only moves when told to. */
class FakeClock implements MonotonicClock {
  t = 1000;
  now(): number {
    return this.t;
  }
}

function request(overrides: Partial<InNetworkRequest> = {}): InNetworkRequest {
  return {
    viewerId: 'viewer',
    authorIds: ['a', 'b', 'c'],
    excludePostIds: new Set(),
    maxPerAuthor: 10,
    maxResults: 100,
    notBeforeMs: 0,
    ...overrides,
  };
}

function controls(overrides: Partial<QueryControls> = {}): QueryControls {
  return {
    scanCapPerAuthor: 100,
    shouldStop: () => false,
    authorsPerSlice: 1000,
    yieldToLoop: () => Promise.resolve(),
    ...overrides,
  };
}

/** a: a1..a4 at 10..40 (a3 is a video); b: b1 at 25, a reply to a1, a reply to a missing post;
 * viewer's own post v1 reposted by c, plus a repost of a deleted post. */
function world(): PostStore {
  const store = new PostStore(testOptions({ retentionMs: 10_000 }));
  for (const [i, t] of [10, 20, 30, 40].entries()) {
    store.apply(createEvent(`a${i + 1}`, 'a', { createdAtMs: t, kind: t === 30 ? 'video' : 'original' }));
  }
  store.apply(createEvent('b1', 'b', { createdAtMs: 25 }));
  store.apply(createEvent('b-re-a1', 'b', { createdAtMs: 26, kind: 'reply', replyTo: 'a1' }));
  store.apply(createEvent('b-re-gone', 'b', { createdAtMs: 27, kind: 'reply', replyTo: 'nowhere' }));
  store.apply(createEvent('v1', 'viewer', { createdAtMs: 5 }));
  store.apply(createEvent('c-rt-v1', 'c', { createdAtMs: 35, kind: 'repost', repostOf: 'v1' }));
  store.apply(createEvent('c-rt-a2', 'c', { createdAtMs: 36, kind: 'repost', repostOf: 'a2' }));
  store.apply(createEvent('x', 'd', { createdAtMs: 1 }));
  store.apply(createEvent('c-rt-x', 'c', { createdAtMs: 37, kind: 'repost', repostOf: 'x' }));
  store.apply(deleteEvent('x', 'd', { version: 2, eventTimeMs: 50 }));
  return store;
}

const ids = (r: { posts: readonly { postId: string }[] }) => r.posts.map((p) => p.postId);

describe(runInNetworkQuery.name, () => {
  it('should merge followed authors newest first and apply the reply and repost rules', async () => {
    const result = await runInNetworkQuery(world(), request(), controls());

    expect(ids(result)).toEqual(['a4', 'c-rt-a2', 'a3', 'b-re-a1', 'b1', 'a2', 'a1']);
    expect(result).toMatchObject({ partial: false, authorsRequested: 3, authorsScanned: 3 });
  });

  it('should apply excludes, the per-author cap, not_before and max_results', async () => {
    const store = world();

    const capped = await runInNetworkQuery(store, request({ maxPerAuthor: 2 }), controls());
    const excluded = await runInNetworkQuery(
      store,
      request({ excludePostIds: new Set(['a4', 'a3']) }),
      controls(),
    );
    const recent = await runInNetworkQuery(store, request({ notBeforeMs: 26 }), controls());
    const top = await runInNetworkQuery(store, request({ maxResults: 2 }), controls());

    expect(ids(capped)).toEqual(['a4', 'c-rt-a2', 'a3', 'b-re-a1', 'b1']);
    expect(ids(excluded)).toEqual(['c-rt-a2', 'b-re-a1', 'b1', 'a2', 'a1']);
    expect(ids(recent)).toEqual(['a4', 'c-rt-a2', 'a3', 'b-re-a1']);
    expect(ids(top)).toEqual(['a4', 'c-rt-a2']);
  });

  it('should count excluded and ineligible posts against the scan cap', async () => {
    const result = await runInNetworkQuery(
      world(),
      request({ authorIds: ['a', 'b'], excludePostIds: new Set(['a4']) }),
      controls({ scanCapPerAuthor: 2 }),
    );

    // a: a4 (excluded) and a3 scanned; b: b-re-gone (ineligible) and b-re-a1 scanned.
    expect(ids(result)).toEqual(['a3', 'b-re-a1']);
  });

  it('should never return a deleted post', async () => {
    const store = world();
    store.apply(deleteEvent('a4', 'a', { version: 2, eventTimeMs: 60 }));

    expect(ids(await runInNetworkQuery(store, request(), controls()))).not.toContain('a4');
  });

  it('should stop between authors when the deadline is near and return a partial answer', async () => {
    const clock = new FakeClock();
    const deadline = new Deadline(clock, 1010, 2);
    const store = world();
    let scans = 0;
    const result = await runInNetworkQuery(
      store,
      request({ authorIds: ['a', 'b', 'c'] }),
      controls({
        shouldStop: () => {
          clock.t += scans++ === 0 ? 0 : 5; // each author "takes" 5 ms
          return deadline.shouldStop();
        },
      }),
    );

    // 1000: scan a → 1005: scan b → 1010 - 2 reserve reached: stop before c.
    expect(result).toMatchObject({ partial: true, authorsRequested: 3, authorsScanned: 2 });
    expect(ids(result)).toEqual(['a4', 'a3', 'b-re-a1', 'b1', 'a2', 'a1']);
  });

  it('should yield to the event loop every slice of authors', async () => {
    let yields = 0;
    await runInNetworkQuery(
      world(),
      request({ authorIds: ['a', 'b', 'c', 'd', 'e'] }),
      controls({
        authorsPerSlice: 2,
        yieldToLoop: () => {
          yields++;
          return Promise.resolve();
        },
      }),
    );

    expect(yields).toBe(2);
  });
});

describe(Deadline.name, () => {
  it('should convert a wall-clock deadline to the monotonic clock and cap it', () => {
    const clock = new FakeClock();

    const tight = Deadline.fromWallClock(new Date(50_030), clock, 50_000, 500, 5);
    const none = Deadline.fromWallClock(Infinity, clock, 50_000, 500, 5);

    expect([tight.atMs, tight.remainingMs(), tight.shouldStop()]).toEqual([1030, 30, false]);
    expect(none.atMs).toBe(1500);
    clock.t = 1025;
    expect(tight.shouldStop()).toBe(true);
  });
});
