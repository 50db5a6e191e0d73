import { setTimeout as delay } from 'node:timers/promises';
import {
  GraphRejectedError,
  GraphValidationError,
  PermanentTaskError,
  taskJobId,
  type AttemptRecord,
  type GraphRecord,
} from '../../src';
import { Barrier, Gate, Harness, Recorder, abortion, contentPlan, eventually } from './helpers';

jest.setTimeout(30_000);

const h = new Harness('semantics');

afterEach(() => h.closeExecutors());
afterAll(() => h.cleanup());

function only(record: GraphRecord, taskId: string): AttemptRecord {
  const attempts = record.attempts.filter((a) => a.taskId === taskId);
  expect(attempts).toHaveLength(1);
  return attempts[0]!;
}

describe('TaskGraphExecutor', () => {
  it('should run load → summarize → (embed ∥ classify) → publish in dependency order and record every attempt', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    ex.registerPlan(contentPlan(rec));
    await ex.start();

    await ex.submit('content', 'g-order', { postId: 'p1' });
    const outcome = await ex.waitForGraph('g-order', 10_000);

    expect(outcome).toEqual({
      graphId: 'g-order',
      plan: 'content',
      status: 'succeeded',
      tasks: {
        load: 'succeeded',
        summarize: 'succeeded',
        embed: 'succeeded',
        classify: 'succeeded',
        publish: 'succeeded',
      },
    });
    const record = await ex.graph('g-order');
    const [load, summarize, embed, classify, publish] = (
      ['load', 'summarize', 'embed', 'classify', 'publish'] as const
    ).map((id) => only(record, id));
    expect(summarize!.startedAt).toBeGreaterThanOrEqual(load!.finishedAt);
    expect(embed!.startedAt).toBeGreaterThanOrEqual(summarize!.finishedAt);
    expect(classify!.startedAt).toBeGreaterThanOrEqual(summarize!.finishedAt);
    expect(publish!.startedAt).toBeGreaterThanOrEqual(Math.max(embed!.finishedAt, classify!.finishedAt));
    expect(publish).toMatchObject({
      graphId: 'g-order',
      attempt: 1,
      deps: ['embed', 'classify'],
      pool: 'network',
      status: 'succeeded',
      willRetry: false,
      resultVersion: 'publish@v1',
    });
    for (const attempt of record.attempts) {
      expect(attempt.queueWaitMs).toBeGreaterThanOrEqual(0);
      expect(attempt.runMs).toBeGreaterThanOrEqual(0);
      expect(attempt.error).toBeUndefined();
    }
    expect(record.tasks.publish).toMatchObject({
      state: 'succeeded',
      attempts: 1,
      resultVersion: 'publish@v1',
      result: {
        task: 'publish',
        postId: 'p1',
        deps: {
          embed: { task: 'embed', postId: 'p1', deps: { summarize: expect.any(Object) as unknown } },
          classify: { task: 'classify', postId: 'p1', deps: { summarize: expect.any(Object) as unknown } },
        },
      },
    });
    expect(rec.started.map((e) => e.taskId).sort()).toEqual([
      'classify',
      'embed',
      'load',
      'publish',
      'summarize',
    ]);
    expect(rec.finished.find((e) => e.taskId === 'classify')).toMatchObject({
      plan: 'content',
      pool: 'cpu',
      attempt: 1,
      status: 'succeeded',
      willRetry: false,
    });
    expect(rec.graphsFinished).toEqual([
      { graphId: 'g-order', plan: 'content', status: 'succeeded', durationMs: expect.any(Number) as unknown },
    ]);
  });

  it('should run embed and classify concurrently when their pools have capacity', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    const barrier = new Barrier(2);
    const meet = async ({ signal }: { signal: AbortSignal }) => {
      await barrier.arrive(signal); // fails at the deadline unless the other task is running at the same time
      return { status: 'succeeded' as const, result: null, resultVersion: 'v' };
    };
    ex.registerPlan(contentPlan(rec, { embed: meet, classify: meet }));
    await ex.start();

    await ex.submit('content', 'g-overlap', { postId: 'p' });

    expect((await ex.waitForGraph('g-overlap', 10_000)).status).toBe('succeeded');
    const record = await ex.graph('g-overlap');
    const embed = only(record, 'embed');
    const classify = only(record, 'classify');
    expect(embed.startedAt).toBeLessThanOrEqual(classify.finishedAt);
    expect(classify.startedAt).toBeLessThanOrEqual(embed.finishedAt);
  });

  it('should fail publish when classify fails permanently while embed still completes', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    ex.registerPlan(
      contentPlan(rec, {
        classify: () => Promise.reject(new PermanentTaskError('unsupported language')),
      }),
    );
    await ex.start();

    await ex.submit('content', 'g-perm', { postId: 'p' });

    const outcome = await ex.waitForGraph('g-perm', 10_000);
    expect(outcome.status).toBe('partially_failed');
    expect(outcome.tasks).toEqual({
      load: 'succeeded',
      summarize: 'succeeded',
      embed: 'succeeded',
      classify: 'failed',
      publish: 'failed',
    });
    const record = await ex.graph('g-perm');
    expect(record.tasks.classify).toMatchObject({
      attempts: 1,
      reason: 'permanent_error',
      error: 'PermanentTaskError: unsupported language',
    });
    expect(record.tasks.publish).toMatchObject({ attempts: 0, reason: 'dependency_failed:classify' });
    expect(record.retriesUsed).toBe(0);
    expect(rec.count('g-perm', 'publish')).toBe(0);
    expect(rec.count('g-perm', 'embed')).toBe(1);
  });

  it('should skip the dependents of a skipped task', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    ex.registerPlan(
      contentPlan(rec, { summarize: () => Promise.resolve({ status: 'skipped', reason: 'empty_post' }) }),
    );
    await ex.start();

    await ex.submit('content', 'g-skip', { postId: 'p' });

    const outcome = await ex.waitForGraph('g-skip', 10_000);
    expect(outcome.status).toBe('succeeded');
    const record = await ex.graph('g-skip');
    expect(record.tasks.summarize).toMatchObject({ state: 'skipped', reason: 'empty_post' });
    expect(record.tasks.embed).toMatchObject({ state: 'skipped', reason: 'dependency_skipped:summarize' });
    expect(record.tasks.classify).toMatchObject({ state: 'skipped', reason: 'dependency_skipped:summarize' });
    expect(record.tasks.publish?.state).toBe('skipped');
    expect(record.tasks.publish?.reason).toMatch(/^dependency_skipped:(embed|classify)$/);
    expect(['embed', 'classify', 'publish'].map((t) => rec.count('g-skip', t))).toEqual([0, 0, 0]);
    expect(record.attempts.map((a) => [a.taskId, a.status])).toEqual([
      ['load', 'succeeded'],
      ['summarize', 'skipped'],
    ]);
  });

  it('should retry a transient failure with backoff and then succeed', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec, { backoff: { baseMs: 200, capMs: 1000 } });
    ex.registerPlan(
      contentPlan(rec, {
        classify: async ({ attempt }) => {
          if (attempt === 1) {
            throw new Error('model server 503');
          }
          return Promise.resolve({ status: 'succeeded', result: 'ok', resultVersion: 'classify@v1' });
        },
      }),
    );
    await ex.start();

    await ex.submit('content', 'g-retry', { postId: 'p' });

    expect((await ex.waitForGraph('g-retry', 10_000)).status).toBe('succeeded');
    const record = await ex.graph('g-retry');
    const attempts = record.attempts.filter((a) => a.taskId === 'classify');
    expect(attempts.map((a) => [a.attempt, a.status, a.willRetry, a.error])).toEqual([
      [1, 'failed', true, 'Error: model server 503'],
      [2, 'succeeded', false, undefined],
    ]);
    // equal jitter: the first retry waits at least baseMs / 2
    expect(attempts[1]!.startedAt - attempts[0]!.finishedAt).toBeGreaterThanOrEqual(99);
    expect(record.retriesUsed).toBe(1);
    expect(rec.finished.filter((e) => e.taskId === 'classify').map((e) => e.willRetry)).toEqual([
      true,
      false,
    ]);
  });

  it('should cap the total number of retries across the whole graph by its budget', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec, { retryBudget: 3 });
    const flaky = () => Promise.reject(new Error('flaky'));
    ex.registerPlan(contentPlan(rec, { embed: flaky, classify: flaky }));
    await ex.start();

    await ex.submit('content', 'g-budget', { postId: 'p' });

    const outcome = await ex.waitForGraph('g-budget', 10_000);
    expect(outcome.status).toBe('partially_failed');
    const record = await ex.graph('g-budget');
    const failing = record.attempts.filter((a) => a.taskId === 'embed' || a.taskId === 'classify');
    expect(failing).toHaveLength(2 + 3); // one first attempt each + the 3 retries of the budget
    expect(failing.filter((a) => a.willRetry)).toHaveLength(3);
    expect(rec.count('g-budget', 'embed') + rec.count('g-budget', 'classify')).toBe(5);
    expect(record.retriesUsed).toBe(3);
    expect(record.tasks.embed).toMatchObject({ state: 'failed', reason: 'retry_budget_exhausted' });
    expect(record.tasks.classify).toMatchObject({ state: 'failed', reason: 'retry_budget_exhausted' });
    expect(record.tasks.publish?.reason).toMatch(/^dependency_failed:(embed|classify)$/);
  });

  it('should abort a handler at its per-task deadline and count it as a retryable failure', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec, { retryBudget: 1 });
    const abortedSeen: boolean[] = [];
    ex.registerPlan(
      contentPlan(
        rec,
        {
          // honours its signal
          classify: async ({ signal }) => {
            try {
              return await abortion(signal);
            } finally {
              abortedSeen.push(signal.aborted);
            }
          },
          // ignores its signal entirely: the executor stops waiting anyway
          embed: () => new Promise<never>(() => undefined),
        },
        { deadlineMs: { classify: 150, embed: 150 }, maxAttempts: { embed: 1 } },
      ),
    );
    await ex.start();

    await ex.submit('content', 'g-deadline', { postId: 'p' });

    expect((await ex.waitForGraph('g-deadline', 10_000)).status).toBe('partially_failed');
    const record = await ex.graph('g-deadline');
    const classify = record.attempts.filter((a) => a.taskId === 'classify');
    expect(classify.map((a) => [a.attempt, a.status, a.willRetry])).toEqual([
      [1, 'failed', true],
      [2, 'failed', false],
    ]);
    for (const attempt of classify) {
      expect(attempt.error).toBe("TaskDeadlineError: task 'classify' exceeded its deadline of 150 ms");
      expect(attempt.runMs).toBeGreaterThanOrEqual(140);
    }
    expect(abortedSeen).toEqual([true, true]);
    expect(record.tasks.classify?.reason).toBe('retry_budget_exhausted');
    expect(only(record, 'embed')).toMatchObject({ status: 'failed', reason: 'max_attempts_reached' });
    expect(only(record, 'embed').error).toMatch(/^TaskDeadlineError/);
  });

  it('should not start tasks once the graph deadline has passed', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    ex.registerPlan(
      contentPlan(rec, {
        load: async () => {
          await delay(400); // the work itself outlives the 200 ms graph deadline
          return { status: 'succeeded', result: 'raw', resultVersion: 'load@v1' };
        },
      }),
    );
    await ex.start();

    await ex.submit('content', 'g-expired', { postId: 'p' }, { deadlineMs: 200 });

    const outcome = await ex.waitForGraph('g-expired', 10_000);
    expect(outcome).toMatchObject({
      status: 'expired',
      tasks: {
        load: 'succeeded',
        summarize: 'expired',
        embed: 'expired',
        classify: 'expired',
        publish: 'expired',
      },
    });
    const record = await ex.graph('g-expired');
    expect(record.tasks.summarize?.reason).toBe('graph_deadline_exceeded');
    expect(record.tasks.embed?.reason).toBe('dependency_expired:summarize');
    expect(rec.count('g-expired', 'summarize')).toBe(0);
    expect(rec.finished.find((e) => e.taskId === 'summarize')).toMatchObject({ status: 'expired', runMs: 0 });
    expect(rec.graphsFinished.map((e) => e.status)).toEqual(['expired']);
  });

  it('should reject graphs beyond the waiting room explicitly and enqueue nothing for them', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const ex = h.executor(prefix, rec, { maxGraphsInFlight: 2 });
    const gate = new Gate();
    ex.registerPlan(
      contentPlan(rec, {
        load: async () => {
          await gate.promise;
          return { status: 'succeeded', result: 'raw', resultVersion: 'load@v1' };
        },
      }),
    );
    await ex.start();
    await ex.submit('content', 'g-room-1', { postId: 'p' });
    await ex.submit('content', 'g-room-2', { postId: 'p' });

    const third = ex.submit('content', 'g-room-3', { postId: 'p' });

    await expect(third).rejects.toBeInstanceOf(GraphRejectedError);
    await expect(third).rejects.toMatchObject({ graphId: 'g-room-3', inFlight: 2, limit: 2 });
    expect(rec.rejected).toEqual([{ graphId: 'g-room-3', plan: 'content', inFlight: 2, limit: 2 }]);
    expect(await ex.graph('g-room-3')).toMatchObject({
      status: 'rejected',
      rejectionReason: 'waiting_room_full',
      tasks: {},
    });
    expect(await h.redis.exists(`${prefix}graph:g-room-3:task:load`)).toBe(0);
    expect(await h.rawQueue(prefix, 'network').getJob(taskJobId('g-room-3', 'load', 1))).toBeUndefined();
    expect((await ex.waitForGraph('g-room-3', 1000)).status).toBe('rejected');

    gate.open();
    expect((await ex.waitForGraph('g-room-1', 10_000)).status).toBe('succeeded');
    expect((await ex.waitForGraph('g-room-2', 10_000)).status).toBe('succeeded');
    await ex.submit('content', 'g-room-3', { postId: 'p' }); // capacity is back: accepted now
    expect((await ex.waitForGraph('g-room-3', 10_000)).status).toBe('succeeded');
  });

  it('should stop not-yet-started tasks of a cancelled graph while the running one finishes', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    const loadStarted = new Gate();
    const gate = new Gate();
    ex.registerPlan(
      contentPlan(rec, {
        load: async () => {
          loadStarted.open();
          await gate.promise;
          return { status: 'succeeded', result: 'raw', resultVersion: 'load@v1' };
        },
      }),
    );
    await ex.start();
    await ex.submit('content', 'g-cancel', { postId: 'p' });
    await loadStarted.promise;

    expect(await ex.cancel('g-cancel')).toBe('running');
    gate.open();

    const outcome = await ex.waitForGraph('g-cancel', 10_000);
    expect(outcome).toMatchObject({
      status: 'cancelled',
      tasks: {
        load: 'succeeded',
        summarize: 'cancelled',
        embed: 'cancelled',
        classify: 'cancelled',
        publish: 'cancelled',
      },
    });
    expect((await ex.graph('g-cancel')).tasks.summarize?.reason).toBe('graph_cancelled');
    expect(['summarize', 'embed', 'classify', 'publish'].map((t) => rec.count('g-cancel', t))).toEqual([
      0, 0, 0, 0,
    ]);
    expect(rec.graphsFinished.map((e) => e.status)).toEqual(['cancelled']);
  });

  it('should not run a queued task whose graph was cancelled before a worker picked it up', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const ex = h.executor(prefix, rec);
    ex.registerPlan(contentPlan(rec));
    await ex.submit('content', 'g-cancel-queued', { postId: 'p' }); // no workers yet: load is queued

    expect(await ex.cancel('g-cancel-queued')).toBe('cancelled');
    await ex.start();

    const queue = h.rawQueue(prefix, 'network');
    await eventually(
      () => queue.getJobState(taskJobId('g-cancel-queued', 'load', 1)),
      (state) => state === 'completed',
    );
    expect(rec.count('g-cancel-queued', 'load')).toBe(0);
    expect((await ex.waitForGraph('g-cancel-queued', 1000)).tasks.load).toBe('cancelled');
  });

  it('should keep a busy pool from taking capacity of another pool', async () => {
    const rec = new Recorder();
    const ex = h.executor(h.nextPrefix(), rec);
    const gate = new Gate();
    ex.registerPlan({
      name: 'cpu-hog',
      tasks: [
        {
          id: 'crunch',
          deps: [],
          pool: 'cpu',
          deadlineMs: 10_000,
          handler: async () => {
            await gate.promise;
            return { status: 'succeeded', result: null, resultVersion: 'v' };
          },
        },
      ],
    });
    ex.registerPlan({
      name: 'fetch',
      tasks: [
        {
          id: 'get',
          deps: [],
          pool: 'network',
          deadlineMs: 10_000,
          handler: () => Promise.resolve({ status: 'succeeded', result: null, resultVersion: 'v' }),
        },
      ],
    });
    await ex.start();
    await ex.submit('cpu-hog', 'g-hog-1', null);
    await ex.submit('cpu-hog', 'g-hog-2', null);
    const hogStates = async () =>
      [
        (await ex.graph('g-hog-1')).tasks.crunch?.state,
        (await ex.graph('g-hog-2')).tasks.crunch?.state,
      ].sort();
    await eventually(hogStates, (states) => states.includes('running'));

    await ex.submit('fetch', 'g-fetch', null);

    expect((await ex.waitForGraph('g-fetch', 10_000)).status).toBe('succeeded');
    expect(await hogStates()).toEqual(['queued', 'running']); // cpu concurrency 1: one runs, one waits
    gate.open();
    expect((await ex.waitForGraph('g-hog-1', 10_000)).status).toBe('succeeded');
    expect((await ex.waitForGraph('g-hog-2', 10_000)).status).toBe('succeeded');
  });

  it('should refuse an invalid plan before anything is written or enqueued', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const ex = h.executor(prefix, rec);
    const noop = () => Promise.resolve({ status: 'succeeded' as const, result: null, resultVersion: 'v' });
    ex.registerPlan(contentPlan(rec));

    expect(() =>
      ex.registerPlan({
        name: 'broken',
        tasks: [
          { id: 'a', deps: ['b'], pool: 'network', deadlineMs: 100, handler: noop },
          { id: 'b', deps: ['a'], pool: 'gpu', deadlineMs: 100, handler: noop },
        ],
      }),
    ).toThrow(GraphValidationError);
    await expect(ex.submit('broken', 'g-broken', null)).rejects.toMatchObject({
      name: 'GraphValidationError',
      issues: [{ kind: 'unknown_plan', plan: 'broken' }],
    });
    await expect(ex.submit('content', 'bad:id', null)).rejects.toBeInstanceOf(GraphValidationError);
    expect(await h.redis.keys(`${prefix}graph*`)).toEqual([]);
  });
});
