import { hostname } from 'node:os';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { noBarrier, type CrashBarrier } from './crash-barrier';
import { parseEnvelope } from './envelope';

export const RELAY_GROUP = 'relay';

/** Job name used for outbox entries that are not valid envelopes: the consumer quarantines them. */
export const MALFORMED_JOB = 'malformed';

export interface RelayObserver {
  relayed(count: number): void;
  relayError(err: unknown): void;
}

export interface OutboxRelayOptions {
  /** A dedicated connection: XREADGROUP BLOCK holds it. Closed by `stop()`. */
  readonly redis: Redis;
  readonly queue: Queue;
  readonly stream: string;
  readonly jobOptions: JobsOptions;
  readonly consumer?: string;
  readonly batchSize?: number;
  readonly blockMs?: number;
  /** Entries left unacknowledged by a dead relay longer than this are taken over. */
  readonly claimIdleMs?: number;
  readonly barrier?: CrashBarrier;
  readonly observer?: RelayObserver;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Moves outbox entries into BullMQ: read (consumer group) → `addBulk` with the event id as job id →
 * XACK + XDEL. A crash after the enqueue and before the acknowledgement re-sends the entries on restart;
 * BullMQ ignores an add whose job id exists and the consumers' inbox absorbs the rest (at-least-once
 * delivery, effectively-once effect).
 */
export class OutboxRelay {
  private readonly _consumer: string;
  private _stopping = false;
  private _loop: Promise<void> | undefined;

  constructor(private readonly _o: OutboxRelayOptions) {
    this._consumer = _o.consumer ?? `${hostname()}-${process.pid}`;
  }

  start(): void {
    this._loop ??= this.run();
  }

  async stop(): Promise<void> {
    this._stopping = true;
    this._o.redis.disconnect();
    await this._loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    let recovered = false;
    while (!this._stopping) {
      try {
        if (!recovered) {
          await this.ensureGroup();
          // First what this consumer name read before a crash, then what dead consumers left behind.
          await this.drainPending('0');
          recovered = true;
        }
        await this.claimAbandoned();
        const entries = await this.read('>', this._o.blockMs ?? 1000);
        if (entries.length > 0) {
          await this.relay(entries);
        }
      } catch (err) {
        if (this._stopping) {
          return;
        }
        this._o.observer?.relayError(err);
        await new Promise((r) => setTimeout(r, 500));
        if (/NOGROUP/.test(String(err))) {
          recovered = false; // the stream or group vanished (e.g. Redis lost its data): recreate
        }
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the start of the stream, so entries written before the group existed are relayed too.
      // ioredis does not apply `keyPrefix` to XGROUP's key, so it is added here.
      const key = `${this._o.redis.options.keyPrefix ?? ''}${this._o.stream}`;
      await this._o.redis.xgroup('CREATE', key, RELAY_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) {
        throw err;
      }
    }
  }

  private async drainPending(from: string): Promise<void> {
    let cursor = from;
    for (;;) {
      const entries = await this.read(cursor);
      if (entries.length === 0) {
        return;
      }
      await this.relay(entries);
      cursor = entries[entries.length - 1]![0];
    }
  }

  /** One XREADGROUP: new entries (`>`, blocking up to `blockMs`) or this consumer's pending ones after `cursor`. */
  private async read(cursor: string, blockMs?: number): Promise<StreamEntry[]> {
    const { redis, stream } = this._o;
    const count = this._o.batchSize ?? 100;
    const read = (
      blockMs === undefined
        ? await redis.xreadgroup(
            'GROUP',
            RELAY_GROUP,
            this._consumer,
            'COUNT',
            count,
            'STREAMS',
            stream,
            cursor,
          )
        : await redis.xreadgroup(
            'GROUP',
            RELAY_GROUP,
            this._consumer,
            'COUNT',
            count,
            'BLOCK',
            blockMs,
            'STREAMS',
            stream,
            cursor,
          )
    ) as [string, StreamEntry[]][] | null;
    return read?.[0]?.[1] ?? [];
  }

  private async claimAbandoned(): Promise<void> {
    const [, entries] = (await this._o.redis.xautoclaim(
      this._o.stream,
      RELAY_GROUP,
      this._consumer,
      this._o.claimIdleMs ?? 30_000,
      '0',
      'COUNT',
      this._o.batchSize ?? 100,
    )) as [string, StreamEntry[], string[]];
    if (entries.length > 0) {
      await this.relay(entries);
    }
  }

  private async relay(entries: readonly StreamEntry[]): Promise<void> {
    await (this._o.barrier ?? noBarrier)('relay:before-enqueue');
    await this._o.queue.addBulk(entries.map(([id, fields]) => toJob(id, fields, this._o.jobOptions)));
    await (this._o.barrier ?? noBarrier)('relay:enqueued');
    const ids = entries.map(([id]) => id);
    await this._o.redis
      .multi()
      .xack(this._o.stream, RELAY_GROUP, ...ids)
      .xdel(this._o.stream, ...ids)
      .exec();
    this._o.observer?.relayed(entries.length);
  }
}

function toJob(
  streamId: string,
  fields: readonly string[],
  opts: JobsOptions,
): { name: string; data: unknown; opts: JobsOptions } {
  const raw = fieldValue(fields, 'event');
  const envelope = raw === undefined ? undefined : parseEnvelope(raw);
  if (!envelope) {
    return {
      name: MALFORMED_JOB,
      data: { raw: raw ?? null, streamId },
      opts: { ...opts, jobId: `outbox-${streamId.replace('-', '_')}` },
    };
  }
  return { name: envelope.type, data: envelope, opts: { ...opts, jobId: envelope.eventId } };
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) {
      return fields[i + 1];
    }
  }
  return undefined;
}
