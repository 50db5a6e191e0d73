import type { Logger } from '@foryou/telemetry';
import type { PostStore } from '../store/post-store';
import { compareStreamIds, STREAM_START_ID } from '../store/stream-id';
import type { RedisOperation } from '../telemetry/metrics';
import { abortableDelay, Backoff } from './backoff';
import type { EntryApplier } from './entry-applier';
import { isNoGroupError, type PostStreamPartition } from './redis-post-stream';

export type ConsumerPhase = 'replaying' | 'live';

export interface PartitionConsumerDeps {
  readonly partition: number;
  readonly stream: PostStreamPartition;
  readonly store: PostStore;
  readonly applier: EntryApplier;
  readonly readBatch: number;
  /** XREADGROUP BLOCK time; shutdown does not wait for it (the connection is closed). */
  readonly blockMs: number;
  readonly logger: Logger;
  readonly backoff?: Backoff;
  /** After every Redis success (true) or failure (false). */
  onHealth(partition: number, healthy: boolean): void;
  onRedisError(operation: RedisOperation): void;
  /** The stream or its group vanished; true = keep going (the group is recreated), false = stop. */
  onStreamMissing(partition: number): Promise<boolean>;
  onPhase?(partition: number, phase: ConsumerPhase): void;
}

/**
 * Consumes one partition, at least once, with the store's offset as the truth:
 * 1. ensure the consumer group exists (created at the store's offset);
 * 2. replay: XRANGE from the store's offset (exclusive) to the tip, applying every entry;
 * 3. move the group to the store's offset (SETID) and ack this consumer's pending entries the store
 *    already holds (left by a crash between apply and ack);
 * 4. live: XREADGROUP >, apply, then XACK.
 * A crash anywhere replays at most what follows the offset in the last snapshot; the store ignores
 * entries at or before its offset, so replays are idempotent. Redis errors are retried with backoff
 * forever (the process stays up); a vanished stream/group sends it back to step 1.
 */
export class PartitionConsumer {
  private _prepared = false;
  private readonly _backoff: Backoff;

  constructor(private readonly _d: PartitionConsumerDeps) {
    this._backoff = _d.backoff ?? new Backoff();
  }

  async run(signal: AbortSignal): Promise<void> {
    const { partition, logger } = this._d;
    while (!signal.aborted) {
      try {
        if (!this._prepared) {
          await this._prepare(signal);
        }
        await this._readLive();
        this._backoff.reset();
      } catch (err) {
        if (signal.aborted) {
          break;
        }
        this._d.onHealth(partition, false);
        this._d.onRedisError(this._prepared ? 'read' : 'group');
        if (isNoGroupError(err)) {
          this._prepared = false;
          if (!(await this._d.onStreamMissing(partition).catch(() => true))) {
            break;
          }
        }
        const delayMs = Math.round(this._backoff.nextDelayMs());
        logger.warn({ partition, err: (err as Error).message, retry_in_ms: delayMs }, 'stream read failed');
        await abortableDelay(delayMs, signal);
      }
    }
  }

  private _offset(): string {
    return this._d.store.offsets()[this._d.partition] ?? STREAM_START_ID;
  }

  private async _prepare(signal: AbortSignal): Promise<void> {
    const { partition, stream, applier, readBatch } = this._d;
    this._d.onPhase?.(partition, 'replaying');
    await stream.ensureGroup(this._offset());
    this._d.onHealth(partition, true);
    for (;;) {
      const batch = await stream.range(this._offset(), readBatch);
      this._d.onHealth(partition, true);
      for (const entry of batch) {
        applier.apply(partition, entry, 'replay');
      }
      if (batch.length < readBatch || signal.aborted) {
        break;
      }
    }
    const offset = this._offset();
    await stream.setGroupId(offset);
    for (let after = STREAM_START_ID; ;) {
      const pending = await stream.readPending(after, readBatch);
      if (pending.length === 0) {
        break;
      }
      await stream.ack(pending.filter((e) => compareStreamIds(e.id, offset) <= 0).map((e) => e.id));
      after = pending[pending.length - 1]!.id;
    }
    this._prepared = true;
    this._d.onPhase?.(partition, 'live');
  }

  private async _readLive(): Promise<void> {
    const { partition, stream, applier, readBatch, blockMs } = this._d;
    const batch = await stream.readNew(readBatch, blockMs);
    this._d.onHealth(partition, true);
    for (const entry of batch) {
      applier.apply(partition, entry, 'live');
    }
    await stream.ack(batch.map((e) => e.id));
  }
}
