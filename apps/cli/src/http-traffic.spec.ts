import { feedUrl, runTraffic, type TrafficDeps, type TrafficPlan } from './http-traffic';

const feed = (n: number): Response =>
  new Response(
    JSON.stringify({ request_id: 'r', items: Array.from({ length: n }, (_, i) => ({ id: `p${i}` })) }),
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
    },
  );

function plan(overrides: Partial<TrafficPlan> = {}): TrafficPlan {
  return {
    target: new URL('http://127.0.0.1:8080/'),
    requests: 10,
    durationMs: undefined,
    ratePerSecond: undefined,
    concurrency: 2,
    viewers: 1000,
    viewerSeed: 42,
    limit: 20,
    timeoutMs: 60_000,
    ...overrides,
  };
}

/** A fake clock: `delay` advances it, `fetch` may advance it by a fixed service time. */
function fakeClock(
  serviceMs: number,
  respond: (url: string, init: RequestInit) => Response | Promise<Response>,
) {
  let now = 0;
  const calls: { url: string; at: number; init: RequestInit }[] = [];
  const deps: TrafficDeps = {
    now: () => now,
    delay: (ms, signal) => {
      if (signal.aborted) {
        return Promise.reject(new Error('aborted'));
      }
      now += ms;
      return Promise.resolve();
    },
    fetch: async (url, init) => {
      calls.push({ url, at: now, init });
      const response = await respond(url, init);
      now += serviceMs;
      return response;
    },
  };
  return { deps, calls };
}

describe('feedUrl', () => {
  it('builds the feed request under the target, keeping a base path', () => {
    expect(feedUrl(new URL('http://127.0.0.1:8080/'), 'xiaolin', 20)).toBe(
      'http://127.0.0.1:8080/v1/feed/for-you?viewer_id=xiaolin&limit=20',
    );
    expect(feedUrl(new URL('https://feeds.example/mixer/'), 'u 7&x', 5)).toBe(
      'https://feeds.example/mixer/v1/feed/for-you?viewer_id=u+7%26x&limit=5',
    );
  });
});

describe('runTraffic', () => {
  it('counts statuses, feeds and bad bodies, and only calls the target without following redirects', async () => {
    const responses = [
      () => feed(20),
      () => feed(0),
      () => new Response('{"oops":true}', { status: 200 }),
      () => new Response('', { status: 503 }),
      () => new Response('', { status: 302, headers: { location: 'http://elsewhere.example/' } }),
    ];
    let i = 0;
    const { deps, calls } = fakeClock(3, () => responses[i++ % responses.length]!());

    const result = await runTraffic(plan({ requests: 10, concurrency: 1 }), { deps });

    expect(result).toMatchObject({
      sent: 10,
      completed: 10,
      ok: 4,
      feeds: 4,
      emptyFeeds: 2,
      itemsReturned: 40,
      badBodies: 2,
      stoppedBy: 'requests',
      elapsedMs: 30,
      maxScheduleLagMs: 0,
    });
    expect(Object.fromEntries(result.outcomes)).toEqual({ '200': 6, '503': 2, '302': 2 });
    expect(result.latenciesMs).toEqual(Array(10).fill(3));
    for (const call of calls) {
      expect(call.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/v1\/feed\/for-you\?viewer_id=u\d+&limit=20$/);
      expect(call.init.redirect).toBe('manual');
    }
  });

  it('never has more than `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const deps: TrafficDeps = {
      now: () => 0,
      delay: () => Promise.resolve(),
      fetch: async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Let every other worker reach its fetch before this one answers.
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return feed(1);
      },
    };

    const result = await runTraffic(plan({ requests: 25, concurrency: 3 }), { deps });

    expect(result.completed).toBe(25);
    expect(maxInFlight).toBe(3);
  });

  it('paces an open-loop rate from the start time', async () => {
    const { deps, calls } = fakeClock(5, () => feed(1));

    const result = await runTraffic(plan({ requests: 5, ratePerSecond: 10, concurrency: 1 }), { deps });

    expect(calls.map((c) => c.at)).toEqual([0, 100, 200, 300, 400]);
    expect(result.maxScheduleLagMs).toBe(0);
    expect(result.elapsedMs).toBe(405);
  });

  it('reports how far it fell behind when the pool cannot keep the rate', async () => {
    const { deps } = fakeClock(50, () => feed(1));

    const result = await runTraffic(plan({ requests: 4, ratePerSecond: 100, concurrency: 1 }), { deps });

    // due at 0, 10, 20, 30; started at 0, 50, 100, 150
    expect(result.maxScheduleLagMs).toBe(120);
  });

  it('starts no request once the duration has passed', async () => {
    const { deps, calls } = fakeClock(100, () => feed(1));

    const result = await runTraffic(plan({ requests: 100, durationMs: 350, concurrency: 1 }), { deps });

    expect(calls.map((c) => c.at)).toEqual([0, 100, 200, 300]);
    expect(result).toMatchObject({ sent: 4, completed: 4, stoppedBy: 'duration' });
  });

  it('classifies timeouts and network errors without throwing', async () => {
    let n = 0;
    const deps: TrafficDeps = {
      now: () => 0,
      delay: () => Promise.resolve(),
      fetch: (_url, init) => {
        n += 1;
        if (n === 1) {
          return Promise.reject(new TypeError('fetch failed'));
        }
        // Never answers; only the per-request timeout ends it.
        return new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        });
      },
    };

    const result = await runTraffic(plan({ requests: 2, concurrency: 1, timeoutMs: 5 }), { deps });

    expect(Object.fromEntries(result.outcomes)).toEqual({ network: 1, timeout: 1 });
    expect(result.latenciesMs).toEqual([]);
    expect(result.ok).toBe(0);
  });

  it('stops early on the abort signal and counts the in-flight request as cancelled', async () => {
    const stop = new AbortController();
    let n = 0;
    const deps: TrafficDeps = {
      now: () => 0,
      delay: () => Promise.resolve(),
      fetch: (_url, init) => {
        n += 1;
        if (n < 3) {
          return Promise.resolve(feed(2));
        }
        return new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          stop.abort(); // the operator presses Ctrl-C while the third request is in flight
        });
      },
    };

    const result = await runTraffic(plan({ requests: 100, concurrency: 1 }), { deps, signal: stop.signal });

    expect(result).toMatchObject({ sent: 3, completed: 3, ok: 2, stoppedBy: 'signal' });
    expect(result.outcomes.get('cancelled')).toBe(1);
  });

  it('reports progress after every completed request', async () => {
    const { deps } = fakeClock(1, () => feed(1));
    const seen: number[] = [];

    await runTraffic(plan({ requests: 4, concurrency: 2 }), {
      deps,
      onProgress: (t) => seen.push(t.completed),
    });

    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
