import { taskJobId } from '../../src';
import { CONTENT_TASKS, Gate, Harness, Recorder, abortion, contentPlan, eventually } from './helpers';

jest.setTimeout(30_000);

const h = new Harness('durability');

afterEach(() => h.closeExecutors());
afterAll(() => h.cleanup());

const invocations = (rec: Recorder, graphId: string) =>
  Object.fromEntries(CONTENT_TASKS.map((t) => [t, rec.count(graphId, t)]));

describe('TaskGraphExecutor durability', () => {
  it('should let a new executor continue a graph after a graceful restart without re-running any task', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const summarizeStarted = new Gate();
    const release = new Gate();
    const plan = contentPlan(rec, {
      summarize: async () => {
        summarizeStarted.open();
        await release.promise;
        return { status: 'succeeded', result: 'summary', resultVersion: 'summarize@v1' };
      },
    });
    const first = h.executor(prefix, rec);
    first.registerPlan(plan);
    await first.start();
    await first.submit('content', 'g-restart', { postId: 'p' });
    await summarizeStarted.promise;

    const closing = first.close(); // waits for the running summarize attempt
    release.open();
    await closing;

    const between = await h.executor(prefix, new Recorder()).graph('g-restart');
    expect(between.status).toBe('running');
    expect([between.tasks.load?.state, between.tasks.summarize?.state]).toEqual(['succeeded', 'succeeded']);
    expect([between.tasks.embed?.state, between.tasks.classify?.state]).toEqual(['queued', 'queued']);
    const startedByFirst = rec.started.map((e) => e.taskId);

    const second = h.executor(prefix, rec);
    second.registerPlan(plan);
    await second.start();

    expect((await second.waitForGraph('g-restart', 10_000)).status).toBe('succeeded');
    expect(invocations(rec, 'g-restart')).toEqual({
      load: 1,
      summarize: 1,
      embed: 1,
      classify: 1,
      publish: 1,
    });
    expect(startedByFirst).toEqual(['load', 'summarize']);
    expect((await second.graph('g-restart')).attempts.map((a) => a.status)).toEqual(
      Array(5).fill('succeeded'),
    );
  });

  it('should redeliver the task of a crashed executor and never re-run the tasks that had succeeded', async () => {
    const rec = new Recorder(true);
    const prefix = h.nextPrefix();
    const summarizeStarted = new Gate();
    const plan = contentPlan(rec, {
      summarize: async ({ graphId, signal }) => {
        if (rec.count(graphId, 'summarize') === 1) {
          summarizeStarted.open();
          return abortion(signal); // hangs until the "crash" aborts it
        }
        return Promise.resolve({ status: 'succeeded', result: 'summary', resultVersion: 'summarize@v1' });
      },
    });
    const fastRedelivery = { lockDurationMs: 1000, stalledIntervalMs: 500 };
    const first = h.executor(prefix, rec, fastRedelivery);
    first.registerPlan(plan);
    await first.start();
    await first.submit('content', 'g-crash', { postId: 'p' });
    await summarizeStarted.promise;

    await first.close({ force: true }); // the attempt's transition is never written, like a process crash

    const second = h.executor(prefix, rec, fastRedelivery);
    second.registerPlan(plan);
    await second.start();

    expect((await second.waitForGraph('g-crash', 15_000)).status).toBe('succeeded');
    expect(invocations(rec, 'g-crash')).toEqual({ load: 1, summarize: 2, embed: 1, classify: 1, publish: 1 });
    const record = await second.graph('g-crash');
    expect(
      record.attempts.filter((a) => a.taskId === 'summarize').map((a) => [a.attempt, a.status, a.willRetry]),
    ).toEqual([
      [1, 'interrupted', true],
      [2, 'succeeded', false],
    ]);
    expect(record.retriesUsed).toBe(1);
  });

  it('should ignore duplicate deliveries of a task that already succeeded', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const ex = h.executor(prefix, rec);
    ex.registerPlan(contentPlan(rec));
    await ex.start();
    await ex.submit('content', 'g-dup', { postId: 'p' });
    expect((await ex.waitForGraph('g-dup', 10_000)).status).toBe('succeeded');
    const queue = h.rawQueue(prefix, 'network');

    // re-adding the deterministic job id is a no-op: the original job is returned
    const again = await queue.add(
      'content.load',
      { graphId: 'g-dup', taskId: 'load', seq: 1, plan: 'content' },
      {
        jobId: taskJobId('g-dup', 'load', 1),
      },
    );
    expect(await again.getState()).toBe('completed');
    // a genuinely second delivery (different job id, same task and seq) is processed but does not re-run it
    const duplicate = await queue.add(
      'content.load',
      { graphId: 'g-dup', taskId: 'load', seq: 1, plan: 'content' },
      {
        jobId: 'g-dup.load.1-redelivered',
      },
    );
    await eventually(
      () => queue.getJobState(duplicate.id!),
      (state) => state === 'completed',
    );
    // and so does an outdated delivery of a dependent while the graph is finished
    await queue.add(
      'content.publish',
      { graphId: 'g-dup', taskId: 'publish', seq: 1, plan: 'content' },
      {
        jobId: 'g-dup.publish.1-redelivered',
      },
    );
    await eventually(
      () => queue.getJobState('g-dup.publish.1-redelivered'),
      (state) => state === 'completed',
    );

    expect(invocations(rec, 'g-dup')).toEqual({ load: 1, summarize: 1, embed: 1, classify: 1, publish: 1 });
    expect((await ex.graph('g-dup')).attempts).toHaveLength(5);
  });

  it('should re-enqueue queued tasks whose enqueue was lost, on start and on re-submit', async () => {
    const rec = new Recorder();
    const prefix = h.nextPrefix();
    const producer = h.executor(prefix, rec);
    producer.registerPlan(contentPlan(rec));
    await producer.submit('content', 'g-lost', { postId: 'p' });
    // simulate a crash between the state transition and the BullMQ add: the root job disappears
    const queue = h.rawQueue(prefix, 'network');
    await queue.remove(taskJobId('g-lost', 'load', 1));
    expect(await queue.getJob(taskJobId('g-lost', 'load', 1))).toBeUndefined();

    await producer.submit('content', 'g-lost', { postId: 'p' }); // idempotent re-submit restores the job
    expect(await queue.getJobState(taskJobId('g-lost', 'load', 1))).toBe('waiting');
    await queue.remove(taskJobId('g-lost', 'load', 1));

    const worker = h.executor(prefix, rec);
    worker.registerPlan(contentPlan(rec));
    await worker.start(); // recovery scan of in-flight graphs

    expect((await worker.waitForGraph('g-lost', 10_000)).status).toBe('succeeded');
    expect(invocations(rec, 'g-lost')).toEqual({ load: 1, summarize: 1, embed: 1, classify: 1, publish: 1 });
  });
});
