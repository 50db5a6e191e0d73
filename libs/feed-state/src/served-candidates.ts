import { inboxGuardedScript, inboxKey, type EffectOutcome } from '@foryou/async-work';
import type { Redis } from 'ioredis';
import { INBOX_TTL_SECONDS } from './served-history';

export const SERVED_CANDIDATES_JOB = 'served-candidates.append';

/** The stream holding one record per served item: the future training and attribution log. */
export const SERVED_CANDIDATES_STREAM = 'log:served-candidates';

/** Approximate cap on the stream (XADD MAXLEN ~): a Redis-resident window, not an archive. */
const STREAM_MAX_LEN = 2_000_000;

export interface ServedItem {
  readonly postId: string;
  readonly position: number;
  /** Sources that produced the candidate (e.g. `ThunderSource`, `PhoenixRetrievalSource`). */
  readonly sources: readonly string[];
  readonly score: number | null;
  readonly modelVersion: string | null;
}

/** One response's served posts (the served-candidates job's payload shape). */
export interface ServedCandidatesRecord {
  readonly viewerId: string;
  readonly requestId: string;
  readonly requestType: string;
  readonly servedAtMs: number;
  /** The served-history bound the response was served under (reconciliation needs it). */
  readonly maxHistoryEntries: number;
  readonly items: readonly ServedItem[];
}

/** A served item as read back from the log. */
export interface LoggedServedItem extends ServedItem {
  readonly streamId: string;
  readonly viewerId: string;
  readonly requestId: string;
  readonly requestType: string;
  readonly servedAtMs: number;
  readonly maxHistoryEntries: number;
}

/** KEYS: inbox, stream. ARGV: inbox ttl, maxlen, then one JSON item per served post. */
const APPEND_SCRIPT = inboxGuardedScript(`
  for i = 3, #ARGV do
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'item', ARGV[i])
  end
  return 'applied'
`);

/** Where served-candidates records go. */
export interface ServedCandidatesRepository {
  /** Appends one entry per served item, once per `businessKey`. */
  apply(record: ServedCandidatesRecord, businessKey: string): Promise<EffectOutcome>;
}

/** In-memory log with the same contract, for unit tests. */
export class InMemoryServedCandidatesLog implements ServedCandidatesRepository {
  readonly records: ServedCandidatesRecord[] = [];
  private readonly _inbox = new Set<string>();

  apply(record: ServedCandidatesRecord, businessKey: string): Promise<EffectOutcome> {
    if (this._inbox.has(businessKey)) {
      return Promise.resolve('duplicate');
    }
    this._inbox.add(businessKey);
    this.records.push(record);
    return Promise.resolve('applied');
  }
}

/** The Redis stream implementation. */
export class ServedCandidatesLog implements ServedCandidatesRepository {
  constructor(
    private readonly _redis: Redis,
    readonly stream: string = SERVED_CANDIDATES_STREAM,
  ) {}

  async apply(record: ServedCandidatesRecord, businessKey: string): Promise<EffectOutcome> {
    const { items, ...common } = record;
    return (await this._redis.eval(
      APPEND_SCRIPT,
      2,
      inboxKey(SERVED_CANDIDATES_JOB, businessKey),
      this.stream,
      INBOX_TTL_SECONDS,
      STREAM_MAX_LEN,
      ...items.map((item) => JSON.stringify({ ...common, ...item })),
    )) as EffectOutcome;
  }

  /** Items logged between `fromMs` and `toMs` (log time), oldest first, at most `count` per call. */
  async range(fromMs: number, toMs: number, count: number, afterId?: string): Promise<LoggedServedItem[]> {
    const start = afterId ? `(${afterId}` : `${Math.max(0, Math.floor(fromMs))}-0`;
    const entries = await this._redis.xrange(this.stream, start, String(Math.floor(toMs)), 'COUNT', count);
    return entries.flatMap(([streamId, fields]) => {
      const raw = fields[fields.indexOf('item') + 1];
      try {
        return [{ streamId, ...(JSON.parse(raw ?? '') as Omit<LoggedServedItem, 'streamId'>) }];
      } catch {
        return [];
      }
    });
  }

  length(): Promise<number> {
    return this._redis.xlen(this.stream);
  }
}
