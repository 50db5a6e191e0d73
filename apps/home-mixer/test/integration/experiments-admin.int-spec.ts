import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DEFAULT_OUTBOX_STREAM, parseEnvelope } from '@foryou/async-work';
import { ErrorResponseSchema } from '@foryou/contracts';
import { loadExperiments, type ExperimentDefinition, type KillRecord } from '@foryou/experiments';
import { EXPERIMENT_KILLS_JOB, KillSwitchStore, KillSwitchWatcher } from '@foryou/feed-state';
import { createLogger } from '@foryou/telemetry';
import { Redis } from 'ioredis';
import {
  ExperimentsAdminController,
  type ExperimentsAdminView,
} from '../../src/admin/experiments-admin.controller';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config/app-config';
import { FeedErrorFilter } from '../../src/errors/feed-error.filter';
import { smallWorld } from '../../src/testing/pipeline-harness';
import { worldAdapters } from '../../src/testing/world-adapters';
import { APP_CONFIG, EXPERIMENT_DEFINITIONS, KILL_SWITCH_STORE, LOGGER } from '../../src/tokens';
import { FeedClock } from '../../src/world/feed-clock';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'test-admin-token-0123456789';
const EXPERIMENT = 'recent-engaged-authors-source';
const NOW = 1_750_000_000_000;
/** The wall clock of the admin controller (kill records' `created_at_ms`). */
let now = NOW;

interface Harness {
  readonly app: NestFastifyApplication;
  readonly logs: Record<string, unknown>[];
}

/**
 * The admin controller in a Nest module of its own (the providers the experiments module gives it),
 * served by Fastify with home-mixer's global error filter, as `createApp` does.
 */
async function startAdmin(options: {
  readonly adminToken?: string;
  readonly definitions?: readonly ExperimentDefinition[];
  readonly store?: KillSwitchStore;
  readonly watcher?: KillSwitchWatcher;
}): Promise<Harness> {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createLogger({ service: 'admin-test', level: 'info', destination: sink });
  const config = loadConfig(options.adminToken === undefined ? {} : { ADMIN_TOKEN: options.adminToken });
  const moduleRef = await Test.createTestingModule({
    controllers: [ExperimentsAdminController],
    providers: [
      { provide: APP_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: FeedClock, useValue: new FeedClock(0, () => now) },
      ...(options.definitions ? [{ provide: EXPERIMENT_DEFINITIONS, useValue: options.definitions }] : []),
      ...(options.store ? [{ provide: KILL_SWITCH_STORE, useValue: options.store }] : []),
      ...(options.watcher ? [{ provide: KillSwitchWatcher, useValue: options.watcher }] : []),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalFilters(new FeedErrorFilter(() => undefined));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, logs };
}

describe('experiments admin API', () => {
  const prefix = `foryou-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1 });
  const store = new KillSwitchStore({ redis, producer: 'home-mixer@test' });
  const watcher = new KillSwitchWatcher({ store, subscriber, pollMs: 60_000 });
  let definitions: readonly ExperimentDefinition[];
  let h: Harness;
  const auth = { authorization: `Bearer ${TOKEN}` };

  const kill = (key: string, payload: unknown, headers: Record<string, string> = auth) =>
    h.app.inject({
      method: 'POST',
      url: `/v1/admin/experiments/${key}/kill`,
      payload: payload as object,
      headers,
    });
  const audits = () => h.logs.filter((l) => l['audit'] === 'experiment_kill');
  const stored = async () => Object.keys(await redis.hgetall('experiments:kills'));

  beforeAll(async () => {
    definitions = await loadExperiments(resolve(__dirname, '../../../../experiments'));
    await watcher.start();
    h = await startAdmin({ adminToken: TOKEN, definitions, store, watcher });
  });

  afterAll(async () => {
    await h.app.close();
    await watcher.stop();
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) {
      await raw.del(...keys);
    }
    for (const c of [raw, redis, subscriber]) {
      const ended = once(c, 'end');
      await c.quit();
      await ended;
    }
  });

  it('answers 503 with a reason when the admin API is not configured', async () => {
    const off = await startAdmin({ definitions, store });
    try {
      for (const res of [
        await off.app.inject({ method: 'GET', url: '/v1/admin/experiments', headers: auth }),
        await off.app.inject({
          method: 'POST',
          url: `/v1/admin/experiments/${EXPERIMENT}/kill`,
          payload: { reason: 'r', actor: 'a' },
          headers: auth,
        }),
      ]) {
        expect(res.statusCode).toBe(503);
        expect(ErrorResponseSchema.parse(res.json()).error).toMatchObject({
          code: 'unavailable',
          message: expect.stringContaining('ADMIN_TOKEN') as unknown,
        });
      }
    } finally {
      await off.app.close();
    }
  });

  it('refuses missing (401) and wrong (403) credentials, logs each refusal and kills nothing', async () => {
    const body = { reason: 'trying', actor: 'mallory' };
    const missing = await kill(EXPERIMENT, body, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(ErrorResponseSchema.parse(missing.json()).error.code).toBe('unauthenticated');
    expect((await kill(EXPERIMENT, body, { authorization: `Basic ${TOKEN}` })).statusCode).toBe(401);
    const wrong = await kill(EXPERIMENT, body, { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.statusCode).toBe(403);
    expect(ErrorResponseSchema.parse(wrong.json()).error.code).toBe('permission_denied');
    expect((await kill(EXPERIMENT, body, { authorization: 'Bearer short' })).statusCode).toBe(403);
    expect(
      (
        await h.app.inject({
          method: 'GET',
          url: '/v1/admin/experiments',
          headers: { authorization: 'Bearer no' },
        })
      ).statusCode,
    ).toBe(403);

    expect(await stored()).toEqual([]);
    expect(audits().map((l) => [l['outcome'], l['status'], l['actor'], l['reason']])).toEqual([
      ['refused', 401, 'mallory', 'trying'],
      ['refused', 401, 'mallory', 'trying'],
      ['refused', 403, 'mallory', 'trying'],
      ['refused', 403, 'mallory', 'trying'],
    ]);
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('answers 404 for an unknown experiment or variant and 400 with per-field reasons for a bad body', async () => {
    const unknownKey = await kill('no-such-experiment', { reason: 'r', actor: 'a' });
    expect(unknownKey.statusCode).toBe(404);
    expect(ErrorResponseSchema.parse(unknownKey.json()).error.details).toEqual([
      { field: 'key', reason: expect.stringContaining(EXPERIMENT) as unknown },
    ]);
    const unknownVariant = await kill(EXPERIMENT, { variant: 'treatment-b', reason: 'r', actor: 'a' });
    expect(unknownVariant.statusCode).toBe(404);
    expect(ErrorResponseSchema.parse(unknownVariant.json()).error.details).toEqual([
      { field: 'variant', reason: 'one of control, treatment' },
    ]);

    const bad = await kill(EXPERIMENT, { variant: 'Not A Slug', reason: '  ', extra: 1 });
    expect(bad.statusCode).toBe(400);
    const fields = ErrorResponseSchema.parse(bad.json())
      .error.details.map((d) => d.field)
      .sort();
    expect(fields).toEqual(['(body)', 'actor', 'reason', 'variant']);
    expect((await kill(EXPERIMENT, ['not', 'an', 'object'])).statusCode).toBe(400);
    expect(await stored()).toEqual([]);
    expect(
      audits()
        .slice(-4)
        .every((l) => l['outcome'] === 'refused'),
    ).toBe(true);
  });

  it('kills a variant (201), writes the audit envelope, and answers 200 with the same record when repeated', async () => {
    const res = await kill(EXPERIMENT, { variant: 'treatment', reason: 'hide rate +40%', actor: 'alice' });
    expect(res.statusCode).toBe(201);
    const record = res.json<KillRecord>();
    expect(record).toEqual({
      schema_version: 'experiment-kill-v1',
      kill_id: `${EXPERIMENT}.treatment`,
      experiment_key: EXPERIMENT,
      variant: 'treatment',
      reason: 'hide rate +40%',
      actor: 'alice',
      automatic: false,
      created_at_ms: NOW,
    });
    expect(await stored()).toEqual([record.kill_id]);
    const envelopes = (await redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+')).map(([, f]) =>
      parseEnvelope(f[f.indexOf('event') + 1]),
    );
    expect(envelopes).toEqual([
      expect.objectContaining({
        type: EXPERIMENT_KILLS_JOB,
        businessKey: record.kill_id,
        requestId: res.headers['x-request-id'],
        producer: 'home-mixer@test',
        payload: { kill: record },
      }),
    ]);

    const again = await kill(EXPERIMENT, { variant: 'treatment', reason: 'me too', actor: 'bob' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(record);
    expect((await redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+')).length).toBe(1);
    expect(
      audits()
        .slice(-2)
        .map((l) => [l['outcome'], l['status'], l['actor'], l['reason'], l['kill_id']]),
    ).toEqual([
      ['killed', 201, 'alice', 'hide rate +40%', record.kill_id],
      ['already_killed', 200, 'bob', 'me too', record.kill_id],
    ]);
  });

  it('kills the whole experiment, after which a variant kill is already in effect (200)', async () => {
    now = NOW + 60_000;
    const res = await kill(EXPERIMENT, { variant: null, reason: 'SRM', actor: 'carol' });
    expect(res.statusCode).toBe(201);
    const record = res.json<KillRecord>();
    expect(record).toMatchObject({
      kill_id: `${EXPERIMENT}._experiment`,
      variant: null,
      actor: 'carol',
      created_at_ms: NOW + 60_000,
    });
    const control = await kill(EXPERIMENT, { variant: 'control', reason: 'again', actor: 'dave' });
    expect(control.statusCode).toBe(200);
    expect(control.json()).toEqual(record);
  });

  it('lists definitions with the stored kill state and this process’s watcher state', async () => {
    await watcher.refresh();
    const res = await h.app.inject({ method: 'GET', url: '/v1/admin/experiments', headers: auth });
    expect(res.statusCode).toBe(200);
    const view = res.json<ExperimentsAdminView>();
    expect(view.experiments.map((e) => e.key).sort()).toEqual(definitions.map((d) => d.key).sort());
    const killed = view.experiments.find((e) => e.key === EXPERIMENT);
    expect(killed).toMatchObject({
      status: 'running',
      kill_switch: { on_srm: 'hold', on_guardrail_critical: 'kill' },
      killed: { kill_id: `${EXPERIMENT}._experiment` },
      variants: [
        { key: 'control', weight: 0.5, killed: null },
        { key: 'treatment', weight: 0.5, killed: { kill_id: `${EXPERIMENT}.treatment` } },
      ],
    });
    expect(view.experiments.find((e) => e.key === 'aa-calibration')?.killed).toBeNull();
    expect(view.kills.map((k) => k.kill_id)).toEqual([
      `${EXPERIMENT}.treatment`,
      `${EXPERIMENT}._experiment`,
    ]);
    expect(view.unmatched_kills).toEqual([]);
    expect(view.watcher).toEqual({
      last_refreshed_at_ms: watcher.lastRefreshedAtMs,
      kill_ids: expect.arrayContaining([`${EXPERIMENT}.treatment`, `${EXPERIMENT}._experiment`]) as unknown,
      in_sync: true,
    });
  });

  it('answers 503 when the kill-switch store is unreachable, and says so in the audit log', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const broken = await startAdmin({
      adminToken: TOKEN,
      definitions,
      store: new KillSwitchStore({ redis: down }),
    });
    try {
      const res = await broken.app.inject({
        method: 'POST',
        url: `/v1/admin/experiments/${EXPERIMENT}/kill`,
        payload: { reason: 'r', actor: 'erin' },
        headers: auth,
      });
      expect(res.statusCode).toBe(503);
      expect(ErrorResponseSchema.parse(res.json()).error.message).toContain('kill-switch store unavailable');
      expect(broken.logs.filter((l) => l['audit'] === 'experiment_kill')).toEqual([
        expect.objectContaining({ outcome: 'failed', status: 503, actor: 'erin' }),
      ]);
    } finally {
      await broken.app.close();
      down.disconnect();
    }
  });
});

describe('experiments admin API in the home-mixer app', () => {
  it('is mounted by AppModule (answers 503, not 404, when ADMIN_TOKEN is unset)', async () => {
    const world = smallWorld();
    const redis = new Redis(REDIS_URL, { lazyConnect: true, keyPrefix: `foryou-test:${randomUUID()}:` });
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({
        config: loadConfig({}),
        world,
        redis,
        adapters: worldAdapters(world, redis),
        logger: createLogger({ service: 'admin-test', level: 'silent' }),
      }),
      new FastifyAdapter(),
      { logger: false },
    );
    app.useGlobalFilters(new FeedErrorFilter(() => undefined));
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/admin/experiments' });
      expect(res.statusCode).toBe(503);
      expect(ErrorResponseSchema.parse(res.json()).error.code).toBe('unavailable');
    } finally {
      await app.close();
      redis.disconnect();
    }
  });
});
