import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  encodePostEvent,
  postEventPartition,
  postEventStreamKey,
  type PostEvent,
  type PostUpsertEvent,
} from '@foryou/contracts';
import { TaskGraphExecutor, type AttemptRecord, type GraphRecord } from '@foryou/task-graph';
import { createLogger, createOpenMetricsRegistry, type OpenMetricsRegistry } from '@foryou/telemetry';
import { generateWorld, topicName, type Post } from '@foryou/world';
import { Redis } from 'ioredis';
import { classify, decodeEmbedding, MODEL_VERSION, summarize } from '../../src/grox/content-models';
import { contentGraphId } from '../../src/grox/content-plan';
import { WorldContentSource } from '../../src/grox/content-source';
import type { ContentRecord } from '../../src/grox/content-store';
import { GroxRuntime, type GroxRuntimeOptions } from '../../src/grox/grox-runtime';

jest.setTimeout(60_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTITIONS = 3;
const GROUP = 'grox';
const logger = createLogger({ service: 'grox-int', level: 'silent' });
const world = generateWorld({ seed: 11, scale: 'small' });
const source = new WorldContentSource(world);
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

/** One namespace per test: the post streams + content hashes, and (separately) the executor. */
class Namespace {
  readonly keyPrefix: string;
  readonly executorPrefix: string;
  constructor() {
    const run = `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.keyPrefix = `grox-int-${run}:`;
    this.executorPrefix = `grox-int-exec-${run}:`;
  }

  stream(partition: number): string {
    return postEventStreamKey(this.keyPrefix, partition);
  }

  contentKey(postId: string): string {
    return `${this.keyPrefix}content:${postId}`;
  }

  /** XADDs events in the real wire format, each on its author's partition. */
  async publish(events: readonly PostEvent[]): Promise<void> {
    for (const e of events) {
      await redis.xadd(this.stream(postEventPartition(e.authorId, PARTITIONS)), '*', ...encodePostEvent(e));
    }
  }

  /** Entries delivered to the group and not acknowledged, all partitions. */
  async pending(): Promise<number> {
    let total = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const summary = (await redis.xpending(this.stream(p), GROUP)) as [number, ...unknown[]];
      total += summary[0];
    }
    return total;
  }

  async cleanup(): Promise<void> {
    for (const prefix of [this.keyPrefix, this.executorPrefix]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) {
          await redis.del(...keys);
        }
      } while (cursor !== '0');
    }
  }
}

const namespaces: Namespace[] = [];
const runtimes: GroxRuntime[] = [];
const executors: TaskGraphExecutor[] = [];

function namespace(): Namespace {
  const ns = new Namespace();
  namespaces.push(ns);
  return ns;
}

function runtime(
  ns: Namespace,
  overrides: Partial<GroxRuntimeOptions> = {},
): { grox: GroxRuntime; registry: OpenMetricsRegistry } {
  const registry = createOpenMetricsRegistry();
  const grox = new GroxRuntime(
    {
      redisUrl: REDIS_URL,
      keyPrefix: ns.keyPrefix,
      executorPrefix: ns.executorPrefix,
      partitions: PARTITIONS,
      consumerGroup: GROUP,
      consumerName: 'int-consumer',
      pools: { network: 4, cpu: 1 },
      maxGraphsInFlight: 50,
      retryBudget: 2,
      readBatch: 50,
      rejectRetryMs: 50,
      claimIdleMs: 60_000,
      recordTtlSeconds: 600,
      blockMs: 100,
      backoff: { baseMs: 20, capMs: 100 },
      ...overrides,
    },
    source,
    registry,
    logger,
  );
  runtimes.push(grox);
  return { grox, registry };
}

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.stop()));
  await Promise.all(executors.splice(0).map((e) => e.close()));
  await Promise.all(namespaces.splice(0).map((ns) => ns.cleanup()));
});

afterAll(() => redis.quit());

async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) {
        throw err;
      }
      await delay(25);
    }
  }
}

/**
 * Waits until the graph succeeded. A `rejected` marker (waiting room was full) is final for
 * waitForGraph, but the consumer resubmits the same id later: keep waiting through it.
 */
async function succeeded(grox: GroxRuntime, graphId: string): Promise<void> {
  await eventually(async () => {
    expect((await grox.executor.waitForGraph(graphId, 10_000)).status).toBe('succeeded');
  });
}

function createOf(post: Post, run = 'int'): PostUpsertEvent {
  return {
    type: 'create',
    eventId: `${run}:${post.id}:v1`,
    postId: post.id,
    authorId: post.authorId,
    version: 1,
    eventTimeMs: post.createdAtMs,
    publishedAtMs: Date.now(),
    payload: { kind: 'original', createdAtMs: post.createdAtMs },
  };
}

/** Original posts only (the payload above claims kind original), spread over the world. */
const originals = world.postList.filter((p) => p.kind === 'original');
const notFound = originals.filter((p) => world.safetyLabel(p.id).state === 'not_found');

/** Parses `name{labels} value` lines of an OpenMetrics body into a sum per matching series. */
async function metric(
  registry: OpenMetricsRegistry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const body = await registry.metrics();
  let sum = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
      continue;
    }
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

function attempt(record: GraphRecord, taskId: string): AttemptRecord {
  const attempts = record.attempts.filter((a) => a.taskId === taskId);
  expect(attempts).toHaveLength(1);
  return attempts[0]!;
}

describe('Grox content understanding in the workers', () => {
  it('should run one graph per create in dependency order and publish content:<postId>', async () => {
    const ns = namespace();
    const posts = [...originals.slice(0, 5), notFound[0]!];
    await ns.publish(posts.map((p) => createOf(p)));
    const { grox, registry } = runtime(ns);
    await grox.start();

    for (const post of posts) {
      const graphId = contentGraphId(post.id, 1);
      await succeeded(grox, graphId);

      const record = await grox.executor.graph(graphId);
      const [load, summarizeA, embedA, classifyA, publishA] = [
        'load',
        'summarize',
        'embed',
        'classify',
        'publish',
      ].map((t) => attempt(record, t));
      expect(summarizeA!.startedAt).toBeGreaterThanOrEqual(load!.finishedAt);
      expect(embedA!.startedAt).toBeGreaterThanOrEqual(summarizeA!.finishedAt);
      expect(classifyA!.startedAt).toBeGreaterThanOrEqual(summarizeA!.finishedAt);
      expect(publishA!.startedAt).toBeGreaterThanOrEqual(Math.max(embedA!.finishedAt, classifyA!.finishedAt));
      expect(embedA).toMatchObject({
        pool: 'cpu',
        deps: ['load', 'summarize'],
        status: 'succeeded',
        attempt: 1,
      });
      expect(classifyA).toMatchObject({ pool: 'network', status: 'succeeded' });
      expect(publishA).toMatchObject({
        graphId,
        deps: ['load', 'summarize', 'embed', 'classify'],
        status: 'succeeded',
        resultVersion: `v1/${MODEL_VERSION}`,
      });
      for (const a of record.attempts) {
        expect(a.queueWaitMs).toBeGreaterThanOrEqual(0);
        expect(a.runMs).toBeGreaterThanOrEqual(0);
      }

      const content = await redis.hgetall(ns.contentKey(post.id));
      const expected = { text: post.text, topic: topicName(post.topic) };
      const verdict = classify(expected);
      expect(content).toMatchObject({
        post_id: post.id,
        author_id: post.authorId,
        post_version: '1',
        result_version: `v1/${MODEL_VERSION}`,
        model_version: MODEL_VERSION,
        safety_label: verdict.label,
        safety_confidence: String(verdict.confidence),
        safety_rule: verdict.rule,
        summary: summarize(expected).summary,
        embedding_dim: String(world.config.embeddingDim),
        graph_id: graphId,
        source: world.version,
      });
      const embedding = decodeEmbedding(content.embedding!);
      expect(embedding).toHaveLength(world.config.embeddingDim);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
      expect(Number(content.classified_at)).toBeGreaterThan(0);
    }

    await eventually(async () => expect(await ns.pending()).toBe(0));
    expect(await metric(registry, 'foryou_grox_graphs_total', { plan: 'content', status: 'succeeded' })).toBe(
      6,
    );
    expect(
      await metric(registry, 'foryou_grox_tasks_total', { task: 'embed', pool: 'cpu', status: 'succeeded' }),
    ).toBe(6);
    expect(await metric(registry, 'foryou_grox_task_queue_wait_seconds_count', { pool: 'network' })).toBe(24);
    expect(await metric(registry, 'foryou_grox_events_total', { type: 'create', outcome: 'submitted' })).toBe(
      6,
    );
    expect(await metric(registry, 'foryou_grox_rejected_total', { plan: 'content' })).toBe(0);
    expect(await grox.status()).toEqual({ ready: true });

    // A delete tombstones the post: no label any more, and an older result can no longer land.
    const deleted = posts[0]!;
    await ns.publish([
      {
        type: 'delete',
        eventId: 'del',
        postId: deleted.id,
        authorId: deleted.authorId,
        version: 3,
        eventTimeMs: deleted.createdAtMs + 1000,
        publishedAtMs: Date.now(),
      },
    ]);
    await eventually(async () => expect(await redis.hget(ns.contentKey(deleted.id), 'deleted')).toBe('1'));
    expect(await redis.hget(ns.contentKey(deleted.id), 'safety_label')).toBeNull();
    expect(await grox.store.publish(recordFor(deleted))).toBe('stale');
  });

  it('should not re-run a finished graph when its event is delivered again', async () => {
    const ns = namespace();
    const posts = originals.slice(10, 14);
    await ns.publish(posts.map((p) => createOf(p)));
    const { grox, registry } = runtime(ns);
    await grox.start();
    for (const post of posts) {
      await succeeded(grox, contentGraphId(post.id, 1));
    }
    await eventually(async () => expect(await ns.pending()).toBe(0));
    const tasksBefore = await metric(registry, 'foryou_grox_tasks_total');
    expect(tasksBefore).toBe(posts.length * 5);
    const publishedAt = await redis.hget(ns.contentKey(posts[0]!.id), 'published_at');

    // 1. The same events again (a duplicate publish / rerun of the publisher): content is up to date.
    await ns.publish(posts.map((p) => createOf(p)));
    await eventually(async () => {
      expect(await metric(registry, 'foryou_grox_events_total', { outcome: 'already_published' })).toBe(
        posts.length,
      );
      expect(await ns.pending()).toBe(0);
    });
    // 2. A redelivery the content check cannot catch (its record is gone): the executor's graph id
    //    is already finished, so the submission is a no-op.
    await redis.del(ns.contentKey(posts[1]!.id));
    await ns.publish([createOf(posts[1]!)]);

    await eventually(async () => {
      expect(await metric(registry, 'foryou_grox_events_total', { outcome: 'already_published' })).toBe(
        posts.length,
      );
      expect(await metric(registry, 'foryou_grox_events_total', { outcome: 'submitted' })).toBe(
        posts.length + 1,
      );
      expect(await ns.pending()).toBe(0);
    });
    await delay(300);
    expect(await metric(registry, 'foryou_grox_tasks_total')).toBe(tasksBefore);
    for (const post of posts) {
      const record = await grox.executor.graph(contentGraphId(post.id, 1));
      expect(record.attempts).toHaveLength(5);
    }
    expect(await redis.hget(ns.contentKey(posts[0]!.id), 'published_at')).toBe(publishedAt);
    expect(await redis.exists(ns.contentKey(posts[1]!.id))).toBe(0);
  });

  it('should leave entries unacknowledged while the waiting room is full, and process them later', async () => {
    const ns = namespace();
    // Fill the waiting room (2 graphs) with graphs of a pool no process works on: they hold their slots.
    const blocker = new TaskGraphExecutor({
      connection: REDIS_URL,
      prefix: ns.executorPrefix,
      pools: { parked: { concurrency: 1 } },
      maxGraphsInFlight: 2,
      retryBudget: 0,
    });
    executors.push(blocker);
    blocker.registerPlan({
      name: 'blocker',
      tasks: [
        {
          id: 'wait',
          deps: [],
          pool: 'parked',
          deadlineMs: 1000,
          handler: () => Promise.resolve({ status: 'skipped', reason: 'never runs' }),
        },
      ],
    });
    await blocker.submit('blocker', 'blocker-1', null);
    await blocker.submit('blocker', 'blocker-2', null);

    const posts = originals.slice(20, 26);
    await ns.publish(posts.map((p) => createOf(p)));
    const { grox, registry } = runtime(ns, { maxGraphsInFlight: 2 });
    await grox.start();

    await eventually(async () => {
      expect(
        await metric(registry, 'foryou_grox_rejected_total', { plan: 'content' }),
      ).toBeGreaterThanOrEqual(3);
    });
    const deferredPending = await ns.pending();
    expect(deferredPending).toBeGreaterThan(0);
    for (const post of posts) {
      expect(await redis.exists(ns.contentKey(post.id))).toBe(0);
    }
    expect(await metric(registry, 'foryou_grox_events_total', { outcome: 'submitted' })).toBe(0);
    expect(
      await metric(registry, 'foryou_grox_events_total', { outcome: 'deferred' }),
    ).toBeGreaterThanOrEqual(3);
    await eventually(async () => {
      // gauges are read from Redis at scrape time (cached for 500 ms)
      expect(await metric(registry, 'foryou_grox_graphs_in_flight')).toBe(2);
      expect(await metric(registry, 'foryou_grox_consumer_pending_entries')).toBe(deferredPending);
    });

    // Free the waiting room: every held-back entry is processed, none was dropped.
    expect(await blocker.cancel('blocker-1')).toBe('cancelled');
    expect(await blocker.cancel('blocker-2')).toBe('cancelled');
    for (const post of posts) {
      await succeeded(grox, contentGraphId(post.id, 1));
      expect(await redis.hget(ns.contentKey(post.id), 'post_version')).toBe('1');
    }
    await eventually(async () => expect(await ns.pending()).toBe(0));
    expect(await metric(registry, 'foryou_grox_events_total', { outcome: 'submitted' })).toBe(posts.length);
    await eventually(async () => {
      expect(await metric(registry, 'foryou_grox_consumer_pending_entries')).toBe(0);
      expect(await metric(registry, 'foryou_grox_consumer_lag_entries')).toBe(0);
    });
  });

  it("should process entries a crashed run left unacknowledged: its own, and a dead consumer's", async () => {
    const ns = namespace();
    const posts = [0, 1, 2].flatMap((partition) =>
      originals.filter((p) => postEventPartition(p.authorId, PARTITIONS) === partition).slice(40, 42),
    );
    await ns.publish(posts.map((p) => createOf(p)));
    // Delivered before a crash, never acknowledged: half to this consumer name, half to another one.
    for (let p = 0; p < PARTITIONS; p++) {
      await redis.xgroup('CREATE', ns.stream(p), GROUP, '0', 'MKSTREAM');
      await redis.xreadgroup(
        'GROUP',
        GROUP,
        p % 2 === 0 ? 'int-consumer' : 'dead-consumer',
        'STREAMS',
        ns.stream(p),
        '>',
      );
    }
    expect(await ns.pending()).toBe(posts.length);

    const { grox } = runtime(ns, { claimIdleMs: 100 });
    await grox.start();
    for (const post of posts) {
      await succeeded(grox, contentGraphId(post.id, 1));
    }
    await eventually(async () => expect(await ns.pending()).toBe(0));
    // The dead consumer's entries were taken over (XAUTOCLAIM), not just re-read.
    const consumers = (await redis.xinfo('CONSUMERS', ns.stream(1), GROUP)) as unknown[][];
    const dead = consumers.find((c) => c[c.indexOf('name') + 1] === 'dead-consumer')!;
    expect(dead[dead.indexOf('pending') + 1]).toBe(0);
  });
});

/** A version-1 result record for `post` (to probe the store's version ordering directly). */
function recordFor(post: Post): ContentRecord {
  return {
    postId: post.id,
    authorId: post.authorId,
    postVersion: 1,
    modelRevision: 1,
    modelVersion: MODEL_VERSION,
    safetyLabel: 'safe',
    safetyConfidence: 1,
    safetyRule: 'test',
    embedding: '',
    embeddingDim: 0,
    embeddingMethod: 'test',
    summary: '',
    terms: [],
    contentHash: '',
    classifiedAtMs: 0,
    graphId: 'g',
    source: 'test',
  };
}
