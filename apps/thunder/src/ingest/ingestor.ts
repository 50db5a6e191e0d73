import { postEventStreamKey } from '@foryou/contracts';
import type { Logger } from '@foryou/telemetry';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { Redis } from 'ioredis';
import type { Readiness } from '../health/readiness';
import type { PostStore } from '../store/post-store';
import type { ThunderMetrics } from '../telemetry/metrics';
import { abortableDelay } from './backoff';
import { EntryApplier } from './entry-applier';
import { lagOf, readTips } from './lag-monitor';
import { PartitionConsumer, type ConsumerPhase } from './partition-consumer';
import { RedisPostStream } from './redis-post-stream';
import { readOrInitEpoch } from './stream-epoch';

export interface IngestorOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly consumerGroup: string;
  readonly readBatch: number;
  readonly lagPollMs: number;
  /** XREADGROUP BLOCK time (default 2 s). */
  readonly blockMs?: number;
}

export interface IngestorDeps {
  readonly store: PostStore;
  readonly metrics: Pick<ThunderMetrics, 'eventApplied' | 'ingestDelay' | 'partitionLag' | 'redisError'>;
  readonly readiness: Readiness;
  readonly logger: Logger;
  /** The stream epoch the store's offsets refer to. */
  readonly epoch: string;
}

/**
 * A Redis connection that reconnects by itself and fails commands fast while Redis is unreachable
 * (callers retry with backoff): a command waits for a connect in progress, but is rejected as soon as
 * one connect attempt fails (maxRetriesPerRequest 0), and commands in flight when the connection drops
 * are rejected, not resent.
 */
export function connectRedis(url: string, name: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', onError);
  return redis;
}

/**
 * Feeds the store from the partition streams: one consumer (and connection) per partition, plus a
 * lag poll that drives readiness. Its Redis traffic is not traced (it would drown the RPC traces).
 */
export class Ingestor {
  private readonly _abort = new AbortController();
  private readonly _connections: Redis[] = [];
  private readonly _control: Redis;
  private readonly _keys: string[];
  private readonly _healthy: boolean[];
  private readonly _phase: (ConsumerPhase | 'starting')[];
  private _lagHealthy = true;
  private _wake: (() => void) | undefined;
  private _loops: Promise<void>[] = [];

  constructor(
    private readonly _o: IngestorOptions,
    private readonly _d: IngestorDeps,
  ) {
    const partitions = _d.store.options.partitions;
    this._keys = Array.from({ length: partitions }, (_, p) => postEventStreamKey(_o.prefix, p));
    this._healthy = this._keys.map(() => true);
    this._phase = this._keys.map(() => 'starting');
    this._control = this._connect('thunder-control');
  }

  /** Starts every loop; they run until `stop()`. */
  start(): void {
    const signal = this._abort.signal;
    const applier = new EntryApplier(this._d.store, this._d.metrics, this._d.logger);
    context.with(suppressTracing(context.active()), () => {
      this._loops = this._keys.map((key, partition) =>
        new PartitionConsumer({
          partition,
          stream: new RedisPostStream(
            this._connect(`thunder-p${partition}`),
            key,
            this._o.consumerGroup,
            `thunder-p${partition}`,
          ),
          store: this._d.store,
          applier,
          readBatch: this._o.readBatch,
          blockMs: this._o.blockMs ?? 2000,
          logger: this._d.logger,
          onHealth: (p, healthy) => this._setHealthy(p, healthy),
          onRedisError: (op) => this._d.metrics.redisError(op),
          onStreamMissing: () => this._checkEpoch(),
          onPhase: (p, phase) => {
            this._phase[p] = phase;
            if (phase === 'live') {
              this._wake?.(); // measure lag as soon as a replay ends
            }
          },
        }).run(signal),
      );
      this._loops.push(this._lagLoop(signal));
    });
  }

  /** Stops reading: aborts the loops, closes the connections (ending blocked reads), waits for the loops. */
  async stop(): Promise<void> {
    this._abort.abort();
    this._wake?.();
    for (const redis of [...this._connections]) {
      redis.disconnect();
    }
    await Promise.allSettled(this._loops);
  }

  /** Measures every partition's lag now, updating metrics and readiness. */
  async measureLag(): Promise<number[]> {
    const lag = lagOf(this._d.store, await readTips(this._control, this._keys));
    lag.forEach((entries, p) => this._d.metrics.partitionLag(p, entries));
    this._d.readiness.setLag(lag);
    return lag;
  }

  phases(): readonly (ConsumerPhase | 'starting')[] {
    return this._phase;
  }

  private async _lagLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.measureLag();
        this._lagHealthy = true;
      } catch {
        this._lagHealthy = false;
        this._d.metrics.redisError('lag');
      }
      this._updateHealth();
      await new Promise<void>((resolve) => {
        this._wake = resolve;
        void abortableDelay(this._o.lagPollMs, signal).then(resolve);
      });
      this._wake = undefined;
    }
  }

  /** A stream or group vanished: keep going if the epoch is the same, else stop (restart needed). */
  private async _checkEpoch(): Promise<boolean> {
    const current = await readOrInitEpoch(this._control, this._o.prefix);
    if (current === this._d.epoch) {
      return true;
    }
    this._d.logger.error(
      { expected: this._d.epoch, found: current },
      'post streams were reset (new epoch); restart Thunder to rebuild from the new streams',
    );
    this._d.readiness.markEpochChanged();
    this._abort.abort();
    return false;
  }

  private _setHealthy(partition: number, healthy: boolean): void {
    if (this._healthy[partition] !== healthy) {
      this._healthy[partition] = healthy;
      this._updateHealth();
    }
  }

  private _updateHealth(): void {
    this._d.readiness.setRedisHealthy(this._lagHealthy && this._healthy.every(Boolean));
  }

  private _connect(name: string): Redis {
    let warned = false;
    const redis = connectRedis(this._o.redisUrl, name, (err) => {
      if (!warned) {
        warned = true; // ioredis repeats this on every reconnect attempt; one line per connection
        this._d.logger.warn({ connection: name, err: err.message }, 'redis connection error');
      }
    });
    redis.on('ready', () => (warned = false));
    this._connections.push(redis);
    return redis;
  }
}
