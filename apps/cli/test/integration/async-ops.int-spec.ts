import { randomUUID } from 'node:crypto';
import { SIDE_EFFECT_QUEUE } from '@foryou/async-work';
import { ServedCandidatesLog, RedisServedHistoryRepository } from '@foryou/feed-state';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { buildProgram } from '../../src/program';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { out: (t: string) => void (out += t), err: (t: string) => void (err += t) },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

async function run(args: string[]) {
  const c = capture();
  await buildProgram(c.io)
    .exitOverride()
    .parseAsync(['node', 'foryou', ...args]);
  return c;
}

describe('operator commands for async work (real Redis)', () => {
  const id = randomUUID().slice(0, 8);
  const prefix = `cli-test-${id}:`;
  const queuePrefix = `cli-test-bull-${id}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue(SIDE_EFFECT_QUEUE, { connection, prefix: queuePrefix });
  const common = ['--redis-url', REDIS_URL, '--prefix', prefix];

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) {
      await raw.del(...keys);
    }
    raw.disconnect();
    redis.disconnect();
    process.exitCode = 0;
  });

  it('dlq: lists a quarantined job with its reason, inspects it, replays it with an audit record', async () => {
    await queue.add('served-history.update', { not: 'an envelope' }, { jobId: 'poison-1', attempts: 3 });
    const worker = new Worker(
      SIDE_EFFECT_QUEUE,
      () => Promise.reject(new UnrecoverableError('[invalid_payload] viewerId: expected string')),
      { connection, prefix: queuePrefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();

    const list = await run(['dlq', 'list', ...common, '--queue-prefix', queuePrefix]);
    expect(list.out).toContain('1 quarantined job(s)');
    expect(list.out).toMatch(/poison-1\s+served-history\.update\s+permanent/);

    const inspect = await run(['dlq', 'inspect', 'poison-1', ...common, '--queue-prefix', queuePrefix]);
    expect(JSON.parse(inspect.out)).toMatchObject({
      jobId: 'poison-1',
      reason: '[invalid_payload] viewerId: expected string',
      data: { not: 'an envelope' },
    });

    const replay = await run([
      'dlq',
      'replay',
      'poison-1',
      '--by',
      'alice',
      ...common,
      '--queue-prefix',
      queuePrefix,
    ]);
    expect(replay.out).toBe('replayed poison-1\n');
    expect(await (await queue.getJob('poison-1'))!.getState()).toBe('waiting');
    const audit = await redis.xrange('quarantine:audit', '-', '+');
    expect(audit.map(([, f]) => f)).toEqual([
      ['action', 'replay', 'job', 'poison-1', 'by', 'alice', 'at', expect.any(String)],
    ]);
  });

  it('dlq inspect: an unknown job id is a clear error', async () => {
    await expect(run(['dlq', 'inspect', 'nope', ...common, '--queue-prefix', queuePrefix])).rejects.toThrow(
      'no quarantined job "nope"',
    );
  });

  it('reconcile: dry run reports a lost served-history update; a real run repairs it once', async () => {
    const servedAtMs = Date.now() - 10_000;
    await new ServedCandidatesLog(redis).apply(
      {
        viewerId: 'lost-viewer',
        requestId: 'lost-req',
        requestType: 'for_you',
        servedAtMs,
        maxHistoryEntries: 100,
        items: [{ postId: 'p1', position: 0, sources: ['out_of_network'], score: 0.4, modelVersion: 'm' }],
      },
      'lost-req',
    );
    const args = ['reconcile', ...common, '--window-s', '600', '--grace-s', '0'];
    const dry = await run([...args, '--dry-run']);
    expect(dry.out).toContain('dry run: nothing changed');
    expect(dry.out).toMatch(/missing\s+1 items/);
    expect(await new RedisServedHistoryRepository(redis).read('lost-viewer', 0, 10)).toEqual({
      ok: true,
      value: [],
    });

    const fix = await run(args);
    expect(fix.out).toMatch(/missing\s+1 items, repaired in 1 responses/);
    expect(await new RedisServedHistoryRepository(redis).read('lost-viewer', 0, 10)).toEqual({
      ok: true,
      value: [{ postId: 'p1', servedAtMs }],
    });
    const again = await run(args);
    expect(again.out).toMatch(/missing\s+0 items/);
  });
});
