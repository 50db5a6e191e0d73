import { generateWorld, type World } from '@foryou/world';
import {
  emptyEngagementTally,
  engagementRows,
  engagementUrl,
  OFFSET_PER_POSITION_MS,
  simulateReactions,
  type EngagementEvent,
  type EngagementPlan,
} from './engagement-traffic';
import { runTraffic, type TrafficDeps, type TrafficPlan } from './http-traffic';
import { formatTrafficReport } from './traffic-report';
import { viewerFor } from './viewer-mix';

const WALL = 1_760_000_000_000;

let world: World;
beforeAll(() => {
  world = generateWorld({ seed: 42, scale: 'small' });
});

/** Posts u<k> is likely to engage with: the newest posts of the authors they follow. */
function servedPosts(viewerId: string, n: number): string[] {
  const followed = [...world.following(viewerId)];
  const posts = followed.flatMap((a) =>
    world
      .postsByAuthor(a)
      .slice(0, 3)
      .map((p) => p.id),
  );
  return [...posts, ...world.postList.map((p) => p.id)].slice(0, n);
}

describe('simulateReactions', () => {
  const served = (viewerId: string) => ({
    viewerId,
    requestId: 'req-1',
    itemIds: ['ad-0', ...servedPosts(viewerId, 20)],
    respondedAtMs: WALL,
  });

  it('is deterministic per (seed, request index) and differs across requests', () => {
    const a = simulateReactions(world, served('u1'), 42, 7);
    expect(simulateReactions(world, served('u1'), 42, 7)).toEqual(a);
    expect(simulateReactions(world, served('u1'), 42, 8).events).not.toEqual(a.events);
    expect(simulateReactions(world, served('u1'), 43, 7).events).not.toEqual(a.events);
  });

  it('emits one event per drawn action, dwell with its time, at wall time plus a small offset', () => {
    const all: EngagementEvent[] = [];
    for (let i = 0; i < 30; i++) {
      const viewer = viewerFor(i, 1000, 42);
      const { events, skipped } = simulateReactions(world, served(viewer), 42, i);
      expect(skipped).toBe(1); // the ad
      all.push(...events);
    }
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((e) => e.type)).has('dwell')).toBe(true);
    for (const e of all) {
      expect(e.client_event_id).toBe(`req-1.${e.post_id}.${e.type}`);
      expect(e.request_id).toBe('req-1');
      expect(e.occurred_at_ms).toBeGreaterThan(WALL);
      expect(e.occurred_at_ms).toBeLessThan(WALL + 22 * OFFSET_PER_POSITION_MS);
      if (e.type === 'dwell') {
        expect(e.value).toBeGreaterThan(0);
      } else {
        expect(e).not.toHaveProperty('value');
      }
    }
  });

  it('skips every item of a viewer the world does not have', () => {
    const { events, skipped } = simulateReactions(world, { ...served('u1'), viewerId: 'u99999999' }, 42, 0);
    expect(events).toEqual([]);
    expect(skipped).toBe(21);
  });
});

describe('runTraffic with engagement', () => {
  const plan = (engagement: EngagementPlan, requests = 20): TrafficPlan => ({
    target: new URL('http://127.0.0.1:8080/base/'),
    requests,
    durationMs: undefined,
    ratePerSecond: undefined,
    concurrency: 1,
    viewers: 1000,
    viewerSeed: 42,
    limit: 20,
    timeoutMs: 60_000,
    engagement,
  });

  /** A fake home-mixer: feeds of real posts, engagement answered by `engage`. */
  function fakeMixer(engage: (body: { viewer_id: string; events: EngagementEvent[] }) => Response) {
    const posts: { viewer: string; body: { viewer_id: string; events: EngagementEvent[] } }[] = [];
    let request = 0;
    const deps: TrafficDeps = {
      now: () => 0,
      wallNow: () => WALL,
      delay: () => Promise.resolve(),
      fetch: (url, init) => {
        if (init.method === 'POST') {
          expect(url).toBe('http://127.0.0.1:8080/base/v1/events/engagement');
          const body = JSON.parse(init.body as string) as { viewer_id: string; events: EngagementEvent[] };
          posts.push({ viewer: body.viewer_id, body });
          return Promise.resolve(engage(body));
        }
        const viewer = new URL(url).searchParams.get('viewer_id')!;
        const items = servedPosts(viewer, 20).map((id) => ({ id }));
        return Promise.resolve(
          new Response(JSON.stringify({ request_id: `req-${request++}`, items }), { status: 200 }),
        );
      },
    };
    return { deps, posts };
  }

  const accepted = (body: { viewer_id: string; events: EngagementEvent[] }) =>
    new Response(
      JSON.stringify({
        accepted: body.events.length,
        duplicates_in_batch: 0,
        batch_id: `b-${body.events
          .map((e) => e.client_event_id)
          .sort()
          .join(',')}`,
      }),
      { status: 202 },
    );

  it('POSTs one batch per feed, re-sends every 3rd with the same ids, and tallies the answers', async () => {
    const mixer = fakeMixer(accepted);
    const result = await runTraffic(plan({ world, seed: 42, retryEvery: 3 }), { deps: mixer.deps });

    const t = result.engagement!;
    expect(t.batches).toBeGreaterThan(10);
    expect(mixer.posts).toHaveLength(t.batches + t.retriedBatches);
    expect(t.retriedBatches).toBe(Math.floor(t.batches / 3));
    expect(t.sent).toBe(t.accepted);
    expect(t.failed + t.rejected + t.duplicatesInBatch + t.retryIdMismatches).toBe(0);
    expect([...t.byType.values()].reduce((a, b) => a + b, 0)).toBe(t.sent);
    // each re-send is the previous batch again, byte for byte
    const bodies = mixer.posts.map((p) => JSON.stringify(p.body));
    expect(new Set(bodies).size).toBe(t.batches);
    // batches belong to the viewer whose feed they react to
    for (const p of mixer.posts) {
      expect(p.body.events.every((e) => e.request_id === p.body.events[0]!.request_id)).toBe(true);
    }

    const report = formatTrafficReport('http://127.0.0.1:8080/base/', result, 0.01);
    expect(report).toMatch(
      /engagement +[\d,]+ events in [\d,]+ batches · [\d,]+ accepted · 0 duplicates in batch · 0 rejected · 0 failed/,
    );
    expect(report).toMatch(
      /retries +\d+ batches \([\d,]+ events\) re-sent with the same ids, same batch ids/,
    );
    expect(report).toMatch(/events +favorite \d+/);
  });

  it('is deterministic: the same run sends the same events', async () => {
    const a = fakeMixer(accepted);
    const b = fakeMixer(accepted);
    await runTraffic(plan({ world, seed: 42, retryEvery: 0 }, 8), { deps: a.deps });
    await runTraffic(plan({ world, seed: 42, retryEvery: 0 }, 8), { deps: b.deps });
    expect(a.posts).toEqual(b.posts);
  });

  it('counts 400s as rejected and anything else as failed, and never lets engagement fail the feed count', async () => {
    let n = 0;
    const mixer = fakeMixer(() => new Response('{}', { status: n++ % 2 === 0 ? 400 : 503 }));
    const result = await runTraffic(plan({ world, seed: 42, retryEvery: 0 }, 10), { deps: mixer.deps });
    const t = result.engagement!;
    expect(t.accepted).toBe(0);
    expect(t.rejected + t.failed).toBe(t.sent);
    expect(t.rejected).toBeGreaterThan(0);
    expect(t.failed).toBeGreaterThan(0);
    expect(result.ok).toBe(10);
  });

  it('leaves engagement out of the plan and the report when off', async () => {
    const mixer = fakeMixer(accepted);
    const { engagement: _off, ...noEngagement } = plan({ world, seed: 42, retryEvery: 1 }, 3);
    const result = await runTraffic(noEngagement, { deps: mixer.deps });
    expect(result.engagement).toBeUndefined();
    expect(mixer.posts).toEqual([]);
    expect(formatTrafficReport('x', result, 0.01)).not.toContain('engagement');
  });
});

describe('engagement helpers', () => {
  it('builds the URL under the target and reports an empty tally', () => {
    expect(engagementUrl(new URL('http://h:1/a/'))).toBe('http://h:1/a/v1/events/engagement');
    expect(engagementRows(emptyEngagementTally())).toEqual([['engagement', 'no events sent']]);
  });
});
