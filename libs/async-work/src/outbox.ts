import type { ChainableCommander, Redis } from 'ioredis';
import type { Envelope } from './envelope';

/** Default stream holding side-effect work accepted but not yet relayed into BullMQ. */
export const DEFAULT_OUTBOX_STREAM = 'outbox:side-effects';

/**
 * The transactional outbox on Redis: envelopes are appended to a stream in the same MULTI/EXEC as the
 * state they belong to, so either both are committed or neither is. "Durable" means what the Redis
 * server's persistence gives: with `appendonly yes` + `appendfsync always` an acknowledged EXEC is on
 * disk (RPO 0 for a process or host crash short of disk loss); with `everysec` up to ~1 s of accepted work
 * can be lost on a host crash (a Redis *process* crash loses nothing either way: the OS has the writes).
 */
export class Outbox {
  constructor(
    private readonly _redis: Redis,
    readonly stream: string = DEFAULT_OUTBOX_STREAM,
  ) {}

  /** Adds `events` to `tx` (a MULTI the caller also writes its state into). */
  stage(tx: ChainableCommander, events: readonly Envelope[]): ChainableCommander {
    for (const e of events) {
      tx.xadd(this.stream, '*', 'type', e.type, 'event', JSON.stringify(e));
    }
    return tx;
  }

  /**
   * Commits `events` and whatever `state` adds to the same transaction. Resolves once Redis acknowledged
   * EXEC; rejects if the transaction or any command in it failed (then nothing is accepted).
   */
  async commit(events: readonly Envelope[], state?: (tx: ChainableCommander) => void): Promise<void> {
    const tx = this._redis.multi();
    state?.(tx);
    this.stage(tx, events);
    const results = await tx.exec();
    if (results === null) {
      throw new Error('outbox transaction aborted');
    }
    const failed = results.find(([err]) => err !== null);
    if (failed) {
      throw failed[0] as Error;
    }
  }

  /** Entries not yet relayed. */
  length(): Promise<number> {
    return this._redis.xlen(this.stream);
  }

  /** Age of the oldest unrelayed entry in ms (from its stream id), or 0 when empty. */
  async oldestAgeMs(nowMs: number = Date.now()): Promise<number> {
    const first = await this._redis.xrange(this.stream, '-', '+', 'COUNT', 1);
    const id = first[0]?.[0];
    return id ? Math.max(0, nowMs - Number(id.split('-')[0])) : 0;
  }
}

/**
 * Wraps a Lua effect so the inbox check, the effect and the inbox record are one atomic step.
 * KEYS[1] is the inbox key and ARGV[1] the inbox TTL in seconds; the body sees its own keys from KEYS[2]
 * and its own arguments from ARGV[2], and must `return 'applied'` or `return 'superseded'`.
 * Returns `'duplicate'` without running the body when the inbox already holds the key.
 */
export function inboxGuardedScript(body: string): string {
  return `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'duplicate'
end
local function effect()
${body}
end
local outcome = effect()
redis.call('SET', KEYS[1], outcome, 'EX', tonumber(ARGV[1]))
return outcome
`;
}

/** Inbox key for one business key of one job type. */
export function inboxKey(type: string, businessKey: string): string {
  return `inbox:${type}:${businessKey}`;
}
