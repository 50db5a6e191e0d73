import type {
  GetInNetworkPostsRequest__Output,
  GetInNetworkPostsResponse,
  InNetworkPostsHandlers,
} from '@foryou/contracts';
import { InFlightLimiter } from '@foryou/service-kit';
import { createLogger } from '@foryou/telemetry';
import { Metadata, status, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { PostStore } from '../store/post-store';
import { createEvent, testOptions } from '../store/testing/events';
import type { RequestOutcome } from '../telemetry/metrics';
import { getInNetworkPostsHandler, type GetInNetworkPostsDeps } from './get-in-network-posts.handler';

type Call = ServerUnaryCall<GetInNetworkPostsRequest__Output, GetInNetworkPostsResponse>;
type Reply = { error: ServiceError | null; value: GetInNetworkPostsResponse | null | undefined };

const logger = createLogger({ service: 'thunder-test', level: 'silent' });

function request(
  overrides: Partial<GetInNetworkPostsRequest__Output> = {},
): GetInNetworkPostsRequest__Output {
  return {
    request_id: 'r1',
    viewer_id: 'viewer',
    author_ids: ['a', 'b'],
    exclude_post_ids: [],
    max_per_author: 5,
    max_results: 10,
    not_before_ms: 0,
    ...overrides,
  };
}

function call(req: GetInNetworkPostsRequest__Output, deadline: Date | number = Infinity): Call {
  return {
    request: req,
    metadata: new Metadata(),
    getDeadline: () => deadline,
    cancelled: false,
  } as unknown as Call;
}

function invoke(handler: InNetworkPostsHandlers['GetInNetworkPosts'], c: Call): Promise<Reply> {
  return new Promise((resolve) =>
    handler(c, (error, value) => resolve({ error: error as ServiceError | null, value })),
  );
}

function harness(overrides: Partial<GetInNetworkPostsDeps> = {}) {
  const store = new PostStore(testOptions());
  store.apply(createEvent('a1', 'a', { createdAtMs: 10 }));
  store.apply(createEvent('b1', 'b', { createdAtMs: 20, kind: 'video', videoMs: 7000 }));
  const outcomes: RequestOutcome[] = [];
  const deps: GetInNetworkPostsDeps = {
    store: () => store,
    storeVersion: () => 's1-test',
    notReady: () => undefined,
    limiter: new InFlightLimiter(1),
    metrics: { request: (o) => outcomes.push(o), postsReturned: () => undefined, inFlight: () => undefined },
    logger,
    serving: { maxConcurrentRequests: 1, maxScanPerAuthor: 100, requestTimeoutMs: 500, deadlineReserveMs: 5 },
    ...overrides,
  };
  return { handler: getInNetworkPostsHandler(deps), outcomes, deps };
}

describe(getInNetworkPostsHandler.name, () => {
  it('should answer with LightPosts newest first and the store version', async () => {
    const { handler, outcomes } = harness();

    const reply = await invoke(handler, call(request()));

    expect(reply.error).toBeNull();
    expect(reply.value).toEqual({
      posts: [
        {
          post_id: 'b1',
          author_id: 'b',
          created_at_ms: 20,
          kind: 'POST_KIND_VIDEO',
          reply_to_post_id: '',
          repost_of_post_id: '',
          video_duration_ms: 7000,
          version: 1,
        },
        expect.objectContaining({ post_id: 'a1', kind: 'POST_KIND_ORIGINAL' }),
      ],
      partial: false,
      authors_requested: 2,
      authors_scanned: 2,
      store_version: 's1-test',
    });
    expect(outcomes).toEqual(['ok']);
  });

  it('should shed a call beyond the in-flight limit at once, while the first is still running', async () => {
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const firstIsScanning = new Promise<void>((resolve) => (entered = resolve));
    const { handler, outcomes } = harness({
      yieldToLoop: () => {
        entered();
        return barrier;
      },
    });
    const many = request({ author_ids: Array.from({ length: 300 }, (_, i) => `author-${i}`) });

    const first = invoke(handler, call(many));
    await firstIsScanning;
    const second = await invoke(handler, call(request()));
    release();

    expect(second.error).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect((await first).error).toBeNull();
    expect(outcomes).toEqual(['rejected', 'ok']);
    expect((await invoke(handler, call(request()))).error).toBeNull(); // the permit came back
  });

  it('should reject invalid arguments', async () => {
    const { handler, outcomes } = harness();

    const replies = await Promise.all(
      [
        request({ max_results: 0 }),
        request({ max_per_author: 0 }),
        request({ author_ids: ['a', ''] }),
        request({ viewer_id: '' }),
        request({ author_ids: Array.from({ length: 10_001 }, (_, i) => `a${i}`) }),
      ].map((r) => invoke(handler, call(r))),
    );

    expect(replies.map((r) => r.error?.code)).toEqual(Array(5).fill(status.INVALID_ARGUMENT));
    expect(replies[0]!.error?.details).toMatch(/^max_results/);
    expect(outcomes).toEqual(Array(5).fill('invalid'));
  });

  it('should answer UNAVAILABLE with the reason until ready', async () => {
    const { handler, outcomes } = harness({ notReady: () => 'catching_up' });

    const reply = await invoke(handler, call(request()));

    expect(reply.error).toMatchObject({
      code: status.UNAVAILABLE,
      details: 'thunder is not ready (catching_up)',
    });
    expect(outcomes).toEqual(['unavailable']);
  });

  it('should return a partial answer when the caller deadline is within the reserve', async () => {
    let now = 0;
    const base = harness();
    const store = base.deps.store();
    const { handler, outcomes } = harness({
      clock: { now: () => now },
      wallNowMs: () => 1_000_000,
      // Scanning an author "takes" 6 ms of the fake clock.
      store: () => ({
        livePost: (id) => store.livePost(id),
        isDeleted: (id) => store.isDeleted(id),
        retentionThresholdMs: (p) => store.retentionThresholdMs(p),
        timelines: (id) => {
          now += 6;
          return store.timelines(id);
        },
      }),
    });

    // Budget 10 ms, reserve 5: scan a (10 left), then 4 left <= 5: stop before b.
    const reply = await invoke(handler, call(request(), new Date(1_000_010)));

    expect(reply.value).toMatchObject({ partial: true, authors_requested: 2, authors_scanned: 1 });
    expect(reply.value?.posts?.map((p) => p.post_id)).toEqual(['a1']);
    expect(outcomes).toEqual(['partial']);
  });
});
