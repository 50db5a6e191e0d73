import { DEFAULT_OUTBOX_STREAM, Outbox } from '@foryou/async-work';
import {
  buildKillSwitchState,
  CONTROL,
  EMPTY_KILL_SWITCH_STATE,
  KillRecordSchema,
  type KillRecord,
  type KillSwitchState,
} from '@foryou/experiments';
import type { Redis } from 'ioredis';
import { experimentKillEnvelope } from './jobs/experiment-kills';

/**
 * Experiment kill switches on Redis (libs/experiments `kills.ts` defines what a kill means).
 *
 * State: one hash, `<prefix>experiments:kills`, kill_id → `KillRecord` JSON. Kills are append-only
 * (HSETNX: a kill id is written once and never changed or removed), so every process that has read the
 * hash folds it into the same `KillSwitchState` (`buildKillSwitchState`).
 *
 * `KillSwitchStore.kill` writes, in ONE MULTI/EXEC: the record, the outbox envelope of the
 * `experiment-kills.record` job (the durable Postgres audit row, written by the workers), and a PUBLISH on
 * the channel `<prefix>experiments:kills`. Either all three happen or none.
 *
 * `KillSwitchWatcher` keeps a process's copy of the state: it subscribes to the channel (a kill reaches
 * it within the publish latency) and also re-reads the hash every `pollMs` (so a lost publish or a
 * reconnect delays a kill by at most `pollMs` plus one Redis round trip). See the watcher's doc comment.
 */

/** The hash (and, with the connection's and the store's prefixes, the channel) of the kill records. */
export const EXPERIMENT_KILLS_KEY = 'experiments:kills';

/**
 * The kill id of a target: one per experiment (`<key>._experiment`, also for a kill naming `control`,
 * which kills the whole experiment) and one per variant (`<key>.<variant>`). Keys and variants are slugs
 * starting with a letter, so `_experiment` never collides with a variant. Deterministic ids make a kill
 * idempotent per target: a retried or repeated kill of the same target, by anyone, finds the first
 * record (kills are permanent, so a target never needs a second one).
 */
export function killIdFor(experimentKey: string, variant: string | null): string {
  return `${experimentKey}.${variant === null || variant === CONTROL ? '_experiment' : variant}`;
}

/** One problem of a kill record: its field path (empty for the whole record) and why. */
export interface KillRecordProblem {
  readonly field: string;
  readonly reason: string;
}

/** A record given to `kill()` does not satisfy `KillRecordSchema`; nothing was written. */
export class InvalidKillRecordError extends RangeError {
  override readonly name = 'InvalidKillRecordError';

  constructor(readonly problems: readonly KillRecordProblem[]) {
    super(`invalid kill record: ${problems.map((p) => `${p.field || '(record)'}: ${p.reason}`).join('; ')}`);
  }
}

/** A hash entry `list()` skipped. */
export interface InvalidKillEntry {
  /** The hash field (the kill id it was stored under). */
  readonly killId: string;
  readonly reason: string;
}

export interface KillSwitchStoreOptions {
  /** Commands connection; its ioredis `keyPrefix` applies to the hash and the outbox stream. */
  readonly redis: Redis;
  /** Extra namespace in front of the hash key, after the connection's own `keyPrefix`. Default ''. */
  readonly keyPrefix?: string;
  /** Outbox stream of the audit job; default `outbox:side-effects` (the one home-mixer writes). */
  readonly outboxStream?: string;
  /** Stamped on the audit envelope, e.g. `home-mixer@0.1.0`. Default `kill-switch`. */
  readonly producer?: string;
  /** Clock of the envelope's `createdAtMs`. Default `Date.now`. */
  readonly now?: () => number;
  /** Told about every hash entry `list()` skips (unparsable, invalid, or stored under another id). */
  readonly onInvalid?: (entry: InvalidKillEntry) => void;
}

export interface KillResult {
  /** false when the kill id was already stored: nothing was written, nothing published. */
  readonly created: boolean;
  /** The stored record: `record` itself when created, else the one stored first under its kill id. */
  readonly record: KillRecord;
}

export interface KillContext {
  /** The request that caused the kill (e.g. the admin API request id); stamped on the envelope. */
  readonly requestId?: string;
  readonly traceparent?: string;
}

function problemsOf(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): KillRecordProblem[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.'), reason: i.message }));
}

/** Reads and writes the kill records (see the module comment). */
export class KillSwitchStore {
  /** The hash key, relative to the connection's `keyPrefix`. */
  readonly key: string;
  /** The pub/sub channel: the hash's full key name (ioredis never prefixes channels). */
  readonly channel: string;
  private readonly _outbox: Outbox;
  private readonly _producer: string;
  private readonly _now: () => number;

  constructor(private readonly _o: KillSwitchStoreOptions) {
    this.key = `${_o.keyPrefix ?? ''}${EXPERIMENT_KILLS_KEY}`;
    this.channel = `${_o.redis.options.keyPrefix ?? ''}${this.key}`;
    this._outbox = new Outbox(_o.redis, _o.outboxStream ?? DEFAULT_OUTBOX_STREAM);
    this._producer = _o.producer ?? 'kill-switch';
    this._now = _o.now ?? Date.now;
  }

  /**
   * Records a kill, idempotently by `kill_id`: validates it (`InvalidKillRecordError`, nothing written),
   * then, unless the id is already stored, commits in ONE MULTI/EXEC: HSETNX of the record, the outbox
   * envelope of `experiment-kills.record`, and a PUBLISH of the kill id on `channel`. Resolves once EXEC
   * is acknowledged; rejects (nothing committed) if Redis fails. Two concurrent calls with one new kill
   * id may both commit an envelope (same event id and business key; the audit insert is idempotent), but
   * only one of them is `created`.
   */
  async kill(record: KillRecord, context: KillContext = {}): Promise<KillResult> {
    const parsed = KillRecordSchema.safeParse(record);
    if (!parsed.success) {
      throw new InvalidKillRecordError(problemsOf(parsed.error));
    }
    const kill = parsed.data;
    const stored = await this.get(kill.kill_id);
    if (stored) {
      return { created: false, record: stored };
    }
    const envelope = experimentKillEnvelope(kill, {
      producer: this._producer,
      createdAtMs: this._now(),
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
      ...(context.traceparent === undefined ? {} : { traceparent: context.traceparent }),
    });
    const tx = this._o.redis.multi();
    tx.hsetnx(this.key, kill.kill_id, JSON.stringify(kill));
    this._outbox.stage(tx, [envelope]);
    tx.publish(this.channel, kill.kill_id);
    const results = await tx.exec();
    if (results === null) {
      throw new Error('kill-switch transaction aborted');
    }
    const failed = results.find(([err]) => err !== null);
    if (failed) {
      throw failed[0] as Error;
    }
    if (results[0]?.[1] === 1) {
      return { created: true, record: kill };
    }
    // Lost a race with another writer of the same kill id between the read above and EXEC.
    const winner = await this.get(kill.kill_id);
    return { created: false, record: winner ?? kill };
  }

  /**
   * The record stored under `killId`, or undefined. A stored entry that is not a valid record is
   * reported to `onInvalid` and read as undefined.
   */
  async get(killId: string): Promise<KillRecord | undefined> {
    const raw = await this._o.redis.hget(this.key, killId);
    return raw === null ? undefined : this.parse(killId, raw);
  }

  /**
   * Every valid record, oldest first (`created_at_ms`, then `kill_id`). Invalid entries are skipped and
   * reported to `onInvalid`, never thrown: one corrupt entry must not hide the other kills.
   */
  async list(): Promise<KillRecord[]> {
    const all = await this._o.redis.hgetall(this.key);
    const records: KillRecord[] = [];
    for (const [killId, raw] of Object.entries(all)) {
      const record = this.parse(killId, raw);
      if (record) {
        records.push(record);
      }
    }
    return records.sort(
      (a, b) =>
        a.created_at_ms - b.created_at_ms || (a.kill_id < b.kill_id ? -1 : a.kill_id > b.kill_id ? 1 : 0),
    );
  }

  private parse(killId: string, raw: string): KillRecord | undefined {
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      this._o.onInvalid?.({ killId, reason: 'not JSON' });
      return undefined;
    }
    const parsed = KillRecordSchema.safeParse(value);
    if (!parsed.success) {
      const reason = problemsOf(parsed.error)
        .map((p) => `${p.field || '(record)'}: ${p.reason}`)
        .join('; ');
      this._o.onInvalid?.({ killId, reason });
      return undefined;
    }
    if (parsed.data.kill_id !== killId) {
      this._o.onInvalid?.({ killId, reason: `stored under another id (kill_id "${parsed.data.kill_id}")` });
      return undefined;
    }
    return parsed.data;
  }
}

/** The subset of a pino logger the watcher uses. */
export interface KillSwitchLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface KillSwitchWatcherOptions {
  readonly store: KillSwitchStore;
  /**
   * A DEDICATED connection (a subscribed connection can run no other command). The watcher subscribes
   * and unsubscribes it; its owner closes it after `stop()`.
   */
  readonly subscriber: Redis;
  /** Backstop re-read period in ms: the bound on a kill's delay when its publish is lost. */
  readonly pollMs: number;
  /** Called after every refresh that changed the set of kill records (including the first load). */
  readonly onChange?: (state: KillSwitchState, records: readonly KillRecord[]) => void;
  readonly logger?: KillSwitchLogger;
  /** Clock of `lastRefreshedAtMs`. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A process's view of the kill switches, kept fresh from Redis.
 *
 * `start()` subscribes to the store's channel FIRST and then loads the hash, so a kill committed between
 * the two is either in the load or delivered by the subscription (loading first would leave a gap until
 * the next poll). A message, a reconnect of the subscriber (`ready`) and a timer every `pollMs` each
 * trigger a re-read of the whole hash (HGETALL; the hash holds a handful of records). Concurrent triggers
 * coalesce, and a trigger arriving during a read schedules one more read after it, so no read can miss a
 * kill committed before its trigger.
 *
 * **Propagation bound** (while Redis is reachable): a kill is in `current()` of every watcher within the
 * publish latency plus one HGETALL round trip after `kill()` resolves; when a publish is lost
 * (subscriber disconnected, message dropped) within `pollMs` + one HGETALL round trip. While Redis is
 * unreachable the watcher keeps serving its last state (kills are permanent, so that state is never
 * "too killed", only possibly stale): `lastRefreshedAtMs` tells how stale. Measured by
 * `libs/feed-state/src/bench/kill-propagation.ts`.
 */
export class KillSwitchWatcher {
  private _state: KillSwitchState = EMPTY_KILL_SWITCH_STATE;
  private _records: readonly KillRecord[] = [];
  private _fingerprint = '';
  private _lastRefreshedAtMs: number | null = null;
  private _lastError: string | undefined;
  private _running: Promise<void> | undefined;
  private _dirty = false;
  private _timer: NodeJS.Timeout | undefined;
  private _started = false;
  private readonly _now: () => number;

  constructor(private readonly _o: KillSwitchWatcherOptions) {
    if (!Number.isInteger(_o.pollMs) || _o.pollMs < 1) {
      throw new RangeError(`pollMs must be a positive integer (got ${_o.pollMs})`);
    }
    this._now = _o.now ?? Date.now;
  }

  /** The current state (synchronous; never blocks a request). */
  current(): KillSwitchState {
    return this._state;
  }

  /** The records behind `current()`, oldest first. */
  records(): readonly KillRecord[] {
    return this._records;
  }

  /** Wall-clock ms of the last successful read of the hash; null before the first one. */
  get lastRefreshedAtMs(): number | null {
    return this._lastRefreshedAtMs;
  }

  /** The error of the last read, if it failed (cleared by a successful read). */
  get lastError(): string | undefined {
    return this._lastError;
  }

  /**
   * Subscribes, loads the state once and starts the backstop poll. Rejects (and undoes the subscription)
   * if the subscription or the first load fails: the caller decides whether to serve without kill state.
   */
  async start(): Promise<void> {
    if (this._started) {
      throw new Error('KillSwitchWatcher already started');
    }
    this._started = true;
    const { subscriber } = this._o;
    subscriber.on('message', this._onMessage);
    subscriber.on('ready', this._onReady);
    try {
      await subscriber.subscribe(this._o.store.channel);
      await this.refresh();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this._timer = setInterval(() => this.trigger('poll'), this._o.pollMs);
    this._timer.unref();
  }

  /** Stops polling and unsubscribes (the subscriber connection stays open; its owner closes it). */
  async stop(): Promise<void> {
    if (!this._started) {
      return;
    }
    this._started = false;
    clearInterval(this._timer);
    this._timer = undefined;
    const { subscriber } = this._o;
    subscriber.off('message', this._onMessage);
    subscriber.off('ready', this._onReady);
    if (subscriber.status === 'ready') {
      await subscriber.unsubscribe(this._o.store.channel).catch(() => undefined);
    }
    await this._running?.catch(() => undefined);
  }

  /**
   * Re-reads the hash now. Resolves after a read that started after this call; rejects if that read
   * failed (the state is then unchanged).
   */
  refresh(): Promise<void> {
    if (this._running) {
      this._dirty = true;
      return this._running;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this._dirty = false;
          await this.load();
        } while (this._dirty);
      } finally {
        this._running = undefined;
      }
    };
    this._running = run();
    return this._running;
  }

  private readonly _onMessage = (channel: string): void => {
    if (channel === this._o.store.channel) {
      this.trigger('publish');
    }
  };

  /** A (re)connected subscriber may have missed publishes while it was down. */
  private readonly _onReady = (): void => {
    this.trigger('reconnect');
  };

  private trigger(cause: 'publish' | 'poll' | 'reconnect'): void {
    if (!this._started) {
      return;
    }
    this.refresh().catch((err: unknown) => {
      this._o.logger?.warn(
        {
          cause,
          err: err instanceof Error ? err.message : String(err),
          last_refreshed_at_ms: this._lastRefreshedAtMs,
        },
        'kill-switch refresh failed; keeping the last state',
      );
    });
  }

  private async load(): Promise<void> {
    let records: KillRecord[];
    try {
      records = await this._o.store.list();
    } catch (err) {
      this._lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
    this._lastError = undefined;
    this._lastRefreshedAtMs = this._now();
    const fingerprint = JSON.stringify(records.map((r) => r.kill_id));
    if (fingerprint === this._fingerprint) {
      return;
    }
    this._fingerprint = fingerprint;
    this._records = Object.freeze(records);
    this._state = buildKillSwitchState(records);
    this._o.logger?.info(
      { kills: records.length, kill_ids: records.map((r) => r.kill_id) },
      'kill-switch state changed',
    );
    this._o.onChange?.(this._state, this._records);
  }
}
