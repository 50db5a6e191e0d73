import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { DEFAULT_OUTBOX_STREAM, parseEnvelope } from '@foryou/async-work';
import { KILL_RECORD_SCHEMA_VERSION, type KillRecord, type KillSwitchState } from '@foryou/experiments';
import {
  EXPERIMENT_KILLS_JOB,
  InvalidKillRecordError,
  killIdFor,
  KillSwitchStore,
  KillSwitchWatcher,
  type InvalidKillEntry,
} from '@foryou/feed-state';
import { Redis } from 'ioredis';
import { PrivateRedis } from '../../../../apps/thunder/test/support/redis-server';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Disconnects and waits until the socket is closed (so no handle outlives the test). */
async function close(conn: Redis): Promise<void> {
  // QUIT lets the server close a live socket (disconnect() would leave a 2 s fallback timer behind); a
  // monitor cannot send QUIT, and a connection waiting to (re)connect has no socket to wait for.
  if (conn.status === 'ready') {
    const ended = once(conn, 'end');
    await conn.quit().catch(() => conn.disconnect());
    await ended;
  } else if ((conn.status as string) === 'monitoring') {
    // (a MONITOR connection's status; ioredis's type does not list it)
    const ended = once(conn, 'end');
    conn.disconnect();
    await ended;
  } else {
    conn.disconnect();
  }
}

const record = (
  experimentKey: string,
  variant: string | null,
  over: Partial<KillRecord> = {},
): KillRecord => ({
  schema_version: KILL_RECORD_SCHEMA_VERSION,
  kill_id: killIdFor(experimentKey, variant),
  experiment_key: experimentKey,
  variant,
  reason: 'hide/report rate +40%',
  actor: 'alice',
  automatic: false,
  created_at_ms: 1_700_000_000_000,
  ...over,
});

/** A watcher plus a way to await a state that satisfies a predicate (resolved by onChange, never a timer). */
interface Watched {
  readonly watcher: KillSwitchWatcher;
  readonly subscriber: Redis;
  readonly commands: Redis;
  until(predicate: (state: KillSwitchState) => boolean): Promise<KillSwitchState>;
}

describe('experiment kill switches on Redis', () => {
  const prefix = `foryou-test:${randomUUID()}:`;
  const connections: Redis[] = [];
  const watchers: KillSwitchWatcher[] = [];
  const connect = (url = REDIS_URL, keyPrefix = prefix): Redis => {
    const c = new Redis(url, { keyPrefix, maxRetriesPerRequest: 1 });
    connections.push(c);
    return c;
  };
  const redis = connect();

  function watch(pollMs: number, url = REDIS_URL, onInvalid?: (e: InvalidKillEntry) => void): Watched {
    const commands = connect(url);
    const subscriber = connect(url);
    const waiters: { predicate: (s: KillSwitchState) => boolean; resolve: (s: KillSwitchState) => void }[] =
      [];
    const watcher = new KillSwitchWatcher({
      store: new KillSwitchStore({ redis: commands, ...(onInvalid ? { onInvalid } : {}) }),
      subscriber,
      pollMs,
      onChange: (state) => {
        for (const w of [...waiters]) {
          if (w.predicate(state)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(state);
          }
        }
      },
    });
    watchers.push(watcher);
    return {
      watcher,
      subscriber,
      commands,
      until: (predicate) =>
        predicate(watcher.current())
          ? Promise.resolve(watcher.current())
          : new Promise((resolve) => waiters.push({ predicate, resolve })),
    };
  }

  const killed = (key: string) => (s: KillSwitchState) => Object.hasOwn(s.experiments, key);

  async function outboxEnvelopes() {
    const entries = await redis.xrange(DEFAULT_OUTBOX_STREAM, '-', '+');
    return entries.map(([, fields]) => parseEnvelope(fields[fields.indexOf('event') + 1]));
  }

  afterAll(async () => {
    for (const w of watchers) {
      await w.stop();
    }
    // ioredis does not prefix KEYS patterns: list this run's keys by their full names.
    const raw = new Redis(REDIS_URL);
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) {
      await raw.del(...keys);
    }
    await close(raw);
    await Promise.all(connections.map(close));
  });

  it('commits the record, the audit envelope and the publish in ONE MULTI/EXEC', async () => {
    const store = new KillSwitchStore({ redis, producer: 'test@1', now: () => 42 });
    const monitorConn = new Redis(REDIS_URL);
    const monitor = await monitorConn.monitor();
    const addr = /addr=(\S+)/.exec(String(await redis.client('INFO')))?.[1];
    const seen: string[][] = [];
    const marker = `end-${randomUUID()}`;
    const done = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== addr) {
          return;
        }
        if (args[0] === 'echo' && args[1] === marker) {
          resolve();
        } else {
          seen.push(args);
        }
      });
    });

    const kill = record('exp-monitor', null);
    await expect(store.kill(kill, { requestId: 'req-1' })).resolves.toEqual({ created: true, record: kill });
    await redis.echo(marker);
    await done;
    await close(monitor);
    await close(monitorConn);

    const commands = seen.map((args) => args[0]?.toLowerCase());
    expect(commands).toEqual(['hget', 'multi', 'hsetnx', 'xadd', 'publish', 'exec']);
    expect(seen[2]).toEqual(['hsetnx', `${prefix}experiments:kills`, kill.kill_id, JSON.stringify(kill)]);
    expect(seen[3]?.[1]).toBe(`${prefix}${DEFAULT_OUTBOX_STREAM}`);
    expect(seen[4]).toEqual(['publish', `${prefix}experiments:kills`, kill.kill_id]);

    const envelope = (await outboxEnvelopes()).find((e) => e?.businessKey === kill.kill_id);
    expect(envelope).toMatchObject({
      type: EXPERIMENT_KILLS_JOB,
      requestId: 'req-1',
      producer: 'test@1',
      createdAtMs: 42,
      payload: { kill },
    });
  });

  it('is idempotent by kill id, also under concurrent duplicates', async () => {
    const store = new KillSwitchStore({ redis });
    const first = record('exp-dup', 'treatment');
    expect((await store.kill(first)).created).toBe(true);
    const before = (await outboxEnvelopes()).length;
    // A different reason under the same kill id changes nothing: the first record stays.
    await expect(store.kill({ ...first, reason: 'again', actor: 'bob' })).resolves.toEqual({
      created: false,
      record: first,
    });
    expect((await outboxEnvelopes()).length).toBe(before);

    const racing = record('exp-race', null);
    const results = await Promise.all(Array.from({ length: 8 }, () => store.kill(racing)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.every((r) => r.record.kill_id === racing.kill_id)).toBe(true);
    const envelopes = (await outboxEnvelopes()).filter((e) => e?.businessKey === racing.kill_id);
    // Racing writers may each stage an envelope, but they are one job (same event id).
    expect(envelopes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(envelopes.map((e) => e?.eventId)).size).toBe(1);
    expect((await store.list()).filter((r) => r.kill_id === racing.kill_id)).toHaveLength(1);
  });

  it('refuses an invalid record and writes nothing', async () => {
    const store = new KillSwitchStore({ redis });
    const bad = { ...record('exp-bad', null), reason: '', variant: 'Not A Slug' };
    const err = await store.kill(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidKillRecordError);
    expect((err as InvalidKillRecordError).problems.map((p) => p.field).sort()).toEqual([
      'reason',
      'variant',
    ]);
    expect(await redis.hexists('experiments:kills', bad.kill_id)).toBe(0);
  });

  it('lists valid records oldest first and reports (never throws on) invalid entries', async () => {
    const isolated = `${prefix}list:`;
    const conn = connect(REDIS_URL, isolated);
    const invalid: InvalidKillEntry[] = [];
    const store = new KillSwitchStore({ redis: conn, onInvalid: (e) => invalid.push(e) });
    const late = record('exp-list', 'b', { created_at_ms: 3 });
    const early = record('exp-list', 'a', { created_at_ms: 1 });
    await store.kill(late);
    await store.kill(early);
    await conn.hset(
      'experiments:kills',
      'garbage',
      '{not json',
      'wrong',
      JSON.stringify({ kill_id: 'wrong' }),
    );
    await conn.hset('experiments:kills', 'moved', JSON.stringify(record('exp-list', 'c')));
    expect((await store.list()).map((r) => r.kill_id)).toEqual([early.kill_id, late.kill_id]);
    expect(invalid.map((e) => e.killId).sort()).toEqual(['garbage', 'moved', 'wrong']);
    expect(invalid.find((e) => e.killId === 'moved')?.reason).toContain('stored under another id');
  });

  it('delivers a kill to two watchers on separate connections through the publish', async () => {
    // A poll period of an hour: only the publish can deliver the kill within this test.
    const a = watch(3_600_000);
    const b = watch(3_600_000);
    await Promise.all([a.watcher.start(), b.watcher.start()]);
    expect(a.watcher.lastRefreshedAtMs).not.toBeNull();
    const key = 'exp-two-watchers';
    expect(a.watcher.current().experiments[key]).toBeUndefined();

    const kill = record(key, null);
    await new KillSwitchStore({ redis }).kill(kill);
    const [sa, sb] = await Promise.all([a.until(killed(key)), b.until(killed(key))]);
    expect(sa.experiments[key]).toEqual(kill);
    expect(sb.experiments[key]).toEqual(kill);
    // A variant kill lands in the variant map.
    const variantKill = record(key, 'treatment');
    await new KillSwitchStore({ redis }).kill(variantKill);
    const after = await a.until((s) => s.variants[key]?.['treatment'] !== undefined);
    expect(after.variants[key]?.['treatment']).toEqual(variantKill);
    expect(a.watcher.records().map((r) => r.kill_id)).toEqual(
      expect.arrayContaining([kill.kill_id, variantKill.kill_id]),
    );
  });

  it('converges by polling when the publish is lost, and on a subscriber reconnect', async () => {
    const polling = watch(50);
    const publishOnly = watch(3_600_000);
    await Promise.all([polling.watcher.start(), publishOnly.watcher.start()]);

    // A kill whose publish never happened (written as kill() writes it, minus the PUBLISH).
    const key = 'exp-lost-publish';
    const kill = record(key, null);
    await redis.hsetnx('experiments:kills', kill.kill_id, JSON.stringify(kill));
    expect((await polling.until(killed(key))).experiments[key]).toEqual(kill);
    // Nothing was published and the other watcher's poll is an hour away: it cannot have seen it.
    expect(publishOnly.watcher.current().experiments[key]).toBeUndefined();

    // A reconnect of its subscriber makes it re-read (publishes may have been lost while it was down).
    publishOnly.subscriber.disconnect(true);
    expect((await publishOnly.until(killed(key))).experiments[key]).toEqual(kill);
  });

  it('rejects start() when Redis is unreachable', async () => {
    const down = 'redis://127.0.0.1:1';
    const opts = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
    const commands = new Redis(down, opts);
    const subscriber = new Redis(down, opts);
    commands.on('error', () => undefined);
    subscriber.on('error', () => undefined);
    const watcher = new KillSwitchWatcher({
      store: new KillSwitchStore({ redis: commands }),
      subscriber,
      pollMs: 100,
    });
    await expect(watcher.start()).rejects.toThrow();
    expect(watcher.lastRefreshedAtMs).toBeNull();
    await Promise.all([commands, subscriber].map(close));
  });

  it('keeps serving its last state while Redis is down and catches up once it is back', async () => {
    const server = await PrivateRedis.start();
    try {
      const failures: string[] = [];
      let failed: (() => void) | undefined;
      const commands = new Redis(server.url, { maxRetriesPerRequest: 0 });
      const subscriber = new Redis(server.url, { maxRetriesPerRequest: 0 });
      const writer = new Redis(server.url, { maxRetriesPerRequest: 0 });
      for (const c of [commands, subscriber, writer]) {
        c.on('error', () => undefined);
      }
      const changes: KillSwitchState[] = [];
      let changed: (() => void) | undefined;
      const watcher = new KillSwitchWatcher({
        store: new KillSwitchStore({ redis: commands }),
        subscriber,
        pollMs: 50,
        onChange: (s) => {
          changes.push(s);
          changed?.();
        },
        logger: {
          info: () => undefined,
          warn: (fields) => {
            failures.push(JSON.stringify(fields));
            failed?.();
          },
        },
      });
      await watcher.start();
      const first = record('exp-outage', 'treatment');
      const seen = new Promise<void>((r) => (changed = r));
      await new KillSwitchStore({ redis: writer }).kill(first);
      await seen;
      const refreshedBefore = watcher.lastRefreshedAtMs;

      const down = new Promise<void>((r) => (failed = r));
      await server.kill();
      await down;
      expect(watcher.lastError).toBeDefined();
      expect(watcher.current().variants['exp-outage']?.['treatment']).toEqual(first);
      expect(watcher.lastRefreshedAtMs).toBe(refreshedBefore);

      // Back up (the AOF keeps the first kill); a kill written meanwhile by another path is picked up.
      await server.restart();
      const second = record('exp-outage', null);
      const plain = new Redis(server.url);
      await plain.hsetnx('experiments:kills', second.kill_id, JSON.stringify(second));
      await close(plain);
      await new Promise<void>((resolve) => {
        changed = () => {
          if (Object.hasOwn(watcher.current().experiments, 'exp-outage')) {
            resolve();
          }
        };
        changed();
      });
      expect(watcher.lastError).toBeUndefined();
      await watcher.stop();
      await Promise.all([commands, subscriber, writer].map(close));
    } finally {
      await server.stop();
    }
  }, 30_000); // ioredis reconnects with a backoff of up to 2 s
});
