import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '@foryou/telemetry';
import type { Redis } from 'ioredis';

/** One stream entry; `fields` is null for an entry that was deleted from the stream while pending. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: readonly string[] | null;
}

/**
 * What to do with an entry: `ack` it (done, or never processable), `defer` it (backpressure: leave it
 * unacknowledged and retry it after a pause), or `retry` it (a transient error: same, with backoff).
 * Deferring or retrying an entry also holds back the entries after it in its partition, so a post's
 * events are always handled in stream order.
 */
export type EntryVerdict = 'ack' | 'defer' | 'retry';

export interface PostEventConsumerOptions {
  /** Dedicated connection for XREADGROUP (BLOCK holds it), no `keyPrefix`. Disconnected by `stop()`. */
  readonly reader: Redis;
  /** Connection for XGROUP / XACK / XAUTOCLAIM, no `keyPrefix` (owned by the caller). */
  readonly commands: Redis;
  /** Full stream keys, index = partition. */
  readonly keys: readonly string[];
  readonly group: string;
  readonly consumer: string;
  /** Entries per partition per read. */
  readonly readBatch: number;
  readonly blockMs: number;
  /** Pause after a deferral (waiting room full) before the unacknowledged entries are tried again. */
  readonly deferPauseMs: number;
  /** Entries another consumer left unacknowledged this long are taken over. */
  readonly claimIdleMs: number;
  readonly handle: (entry: StreamEntry, partition: number) => Promise<EntryVerdict>;
  readonly logger: Logger;
  readonly onError?: (err: unknown) => void;
}

type PartitionOutcome = 'done' | 'defer' | 'retry';

/**
 * Reads the post-event partitions with its own consumer group, at least once:
 * 1. create the group on every partition at `0` (MKSTREAM), so posts published before the workers
 *    started are understood too; no-op when it exists;
 * 2. while this consumer has unacknowledged entries (after a restart, a deferral, an error or a
 *    takeover), re-read THEM (XREADGROUP … 0) before anything new — this bounds what is in progress
 *    and keeps each partition in order;
 * 3. otherwise read new entries (XREADGROUP … >, BLOCK);
 * 4. handle each partition's entries in order (partitions in parallel), XACK the handled prefix.
 * A vanished stream/group (publish-world --reset) recreates the groups. The consumer never deletes
 * or trims entries: Thunder replays the same streams.
 */
export class PostEventConsumer {
  private _stopping = false;
  private readonly _stop = new AbortController();
  private _loop: Promise<void> | undefined;
  private _running = false;

  constructor(private readonly _o: PostEventConsumerOptions) {}

  get running(): boolean {
    return this._running;
  }

  start(): void {
    this._loop ??= this.run();
  }

  /** Finishes the entry in hand (and acknowledges what is done), then stops; closes the reader. */
  async stop(): Promise<void> {
    this._stopping = true;
    this._stop.abort();
    this._o.reader.disconnect();
    await this._loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    this._running = true;
    let prepared = false;
    let backlog = true;
    let failures = 0;
    let nextClaimAt = 0;
    const claimEveryMs = Math.max(1000, Math.floor(this._o.claimIdleMs / 2));
    try {
      while (!this._stopping) {
        try {
          if (!prepared) {
            await this.ensureGroups();
            prepared = true;
            backlog = true;
          }
          if (Date.now() >= nextClaimAt) {
            nextClaimAt = Date.now() + claimEveryMs;
            if (await this.claimAbandoned()) {
              backlog = true;
            }
          }
          const batches = await this.read(backlog ? '0' : '>');
          if (backlog && batches.every((b) => b.length === 0)) {
            backlog = false;
            continue;
          }
          // Every partition finishes (and acknowledges) before the next read, even if one of them fails.
          const settled = await Promise.allSettled(
            batches.map((entries, p) => this.handlePartition(p, entries)),
          );
          const outcomes = settled.map((s) => {
            if (s.status === 'rejected') {
              throw s.reason;
            }
            return s.value;
          });
          if (outcomes.includes('retry')) {
            backlog = true;
            await this.pause(backoffMs(++failures));
          } else {
            failures = 0;
            if (outcomes.includes('defer')) {
              backlog = true;
              await this.pause(this._o.deferPauseMs);
            }
          }
        } catch (err) {
          if (this._stopping) {
            break;
          }
          this._o.onError?.(err);
          if (err instanceof Error && err.message.includes('NOGROUP')) {
            prepared = false; // the streams were deleted (publish-world --reset): recreate the groups
          }
          const waitMs = backoffMs(++failures);
          this._o.logger.warn(
            { err: err instanceof Error ? err.message : String(err), retry_in_ms: waitMs },
            'grox consumer: stream operation failed',
          );
          backlog = true;
          await this.pause(waitMs);
        }
      }
    } finally {
      this._running = false;
    }
  }

  private async ensureGroups(): Promise<void> {
    for (const key of this._o.keys) {
      try {
        // Full key: this connection has no keyPrefix (ioredis would not prefix XGROUP's key anyway).
        await this._o.commands.xgroup('CREATE', key, this._o.group, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) {
          throw err;
        }
      }
    }
  }

  /** Takes over entries idle longer than claimIdleMs (a dead consumer's); true when any were claimed. */
  private async claimAbandoned(): Promise<boolean> {
    let claimed = false;
    for (const key of this._o.keys) {
      const reply: unknown = await this._o.commands.xautoclaim(
        key,
        this._o.group,
        this._o.consumer,
        this._o.claimIdleMs,
        '0-0',
        'COUNT',
        this._o.readBatch,
        'JUSTID',
      );
      claimed ||= Array.isArray(reply) && Array.isArray(reply[1]) && reply[1].length > 0;
    }
    return claimed;
  }

  /** One XREADGROUP over every partition; `0` = this consumer's unacknowledged entries, `>` = new ones. */
  private async read(from: '0' | '>'): Promise<StreamEntry[][]> {
    const keys = this._o.keys;
    const args: (string | number)[] = ['GROUP', this._o.group, this._o.consumer, 'COUNT', this._o.readBatch];
    if (from === '>') {
      args.push('BLOCK', this._o.blockMs);
    }
    args.push('STREAMS', ...keys, ...keys.map(() => from));
    const raw = await this._o.reader.call('XREADGROUP', ...args);
    const byKey = new Map<string, StreamEntry[]>();
    if (raw !== null) {
      if (!Array.isArray(raw)) {
        throw new Error('XREADGROUP: unexpected reply');
      }
      for (const stream of raw as unknown[]) {
        if (!Array.isArray(stream) || typeof stream[0] !== 'string' || !Array.isArray(stream[1])) {
          throw new Error('XREADGROUP: unexpected stream reply');
        }
        byKey.set(stream[0], (stream[1] as unknown[]).map(parseEntry));
      }
    }
    return keys.map((key) => byKey.get(key) ?? []);
  }

  private async handlePartition(
    partition: number,
    entries: readonly StreamEntry[],
  ): Promise<PartitionOutcome> {
    const done: string[] = [];
    let outcome: PartitionOutcome = 'done';
    for (const entry of entries) {
      if (this._stopping) {
        break;
      }
      const verdict = await this._o.handle(entry, partition);
      if (verdict !== 'ack') {
        outcome = verdict;
        break;
      }
      done.push(entry.id);
    }
    if (done.length > 0) {
      await this._o.commands.xack(this._o.keys[partition]!, this._o.group, ...done);
    }
    return outcome;
  }

  /** Sleeps, unless stopping (stop() cuts it short). */
  private async pause(ms: number): Promise<void> {
    await delay(ms, undefined, { signal: this._stop.signal }).catch(() => undefined);
  }
}

function parseEntry(item: unknown): StreamEntry {
  if (!Array.isArray(item) || typeof item[0] !== 'string') {
    throw new Error('XREADGROUP: expected [id, fields]');
  }
  const fields: unknown = item[1];
  if (fields === null) {
    return { id: item[0], fields: null };
  }
  if (!Array.isArray(fields) || !fields.every((f): f is string => typeof f === 'string')) {
    throw new Error('XREADGROUP: expected string fields');
  }
  return { id: item[0], fields };
}

/** 100 ms doubling to 5 s. */
function backoffMs(failures: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(6, Math.max(0, failures - 1)));
}
