import { activeTraceparent, noBarrier, Outbox, type CrashBarrier } from '@foryou/async-work';
import type { CandidateBase, PendingSideEffects, SideEffectSink } from '@foryou/candidate-pipeline';
import { envelopeFor } from '@foryou/feed-state';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FeedCandidate } from '../pipeline/candidate/post-candidate';
import { isDurable } from '../pipeline/side-effects/durable-side-effect';
import type { ForYouQuery } from '../query/for-you-query';
import type { HomeMixerMetrics } from '../telemetry/metrics';

/** How long a response record (the state the outbox entries belong to) is kept. */
const RESPONSE_RECORD_TTL_SECONDS = 24 * 3600;

/**
 * `response:<requestId>`: who was served what, when — written with the outbox entries of the response;
 * the engagement endpoint checks events against it. The one definition of its key and shape.
 */
export const ResponseRecordSchema = z.object({
  viewerId: z.string(),
  servedAtMs: z.number(),
  itemIds: z.array(z.string()),
  postIds: z.array(z.string()),
  events: z.array(z.string()),
});
export type ResponseRecord = z.infer<typeof ResponseRecordSchema>;

export function responseRecordKey(requestId: string): string {
  return `response:${requestId}`;
}

export interface OutboxSinkOptions {
  readonly redis: Redis;
  readonly outboxStream?: string;
  /** `home-mixer@<code version>`: stamped on every event. */
  readonly producer: string;
  readonly metrics: HomeMixerMetrics;
  readonly barrier?: CrashBarrier;
  readonly now?: () => number;
}

/**
 * The durable sink: in one Redis transaction it writes the response record (`response:<requestId>`: who
 * was served what, when) and one outbox entry per side effect. `submit` resolves only after EXEC was
 * acknowledged, and the feed is sent only after that, so a served response always has its work on record.
 * The relay in `apps/workers` moves entries into BullMQ; workers apply them idempotently.
 */
export class OutboxSideEffectSink implements SideEffectSink {
  private readonly _outbox: Outbox;

  constructor(private readonly _o: OutboxSinkOptions) {
    this._outbox = new Outbox(_o.redis, _o.outboxStream);
  }

  async submit<Q, C extends CandidateBase>(pending: PendingSideEffects<Q, C>): Promise<void> {
    const feed = pending as unknown as PendingSideEffects<ForYouQuery, FeedCandidate>;
    const names = feed.effects.map((e) => e.name);
    if (feed.effects.length === 0) {
      return;
    }
    const started = performance.now();
    try {
      const notDurable = feed.effects.filter((e) => !isDurable(e)).map((e) => e.name);
      if (notDurable.length > 0) {
        throw new Error(`side effects without a durable form: ${notDurable.join(', ')}`);
      }
      const { query, selected } = feed.input;
      const traceparent = activeTraceparent();
      const ctx = {
        requestId: query.requestId,
        producer: this._o.producer,
        createdAtMs: (this._o.now ?? Date.now)(),
        ...(traceparent ? { traceparent } : {}),
      };
      const envelopes = feed.effects.filter(isDurable).map((e) => envelopeFor(ctx, e.work(feed.input)));
      const record: ResponseRecord = {
        viewerId: query.viewerId,
        servedAtMs: query.requestTimeMs,
        itemIds: selected.map((c) => c.id),
        postIds: selected.filter((c) => c.type === 'post').map((c) => c.id),
        events: envelopes.map((e) => e.eventId),
      };
      await this._outbox.commit(envelopes, (tx) =>
        tx.set(responseRecordKey(query.requestId), JSON.stringify(record), 'EX', RESPONSE_RECORD_TTL_SECONDS),
      );
      this._o.metrics.sideEffectsAccepted(feed.pipeline, names, 'accepted', secondsSince(started));
    } catch (err) {
      this._o.metrics.sideEffectsAccepted(feed.pipeline, names, 'rejected', secondsSince(started));
      throw err;
    }
    await (this._o.barrier ?? noBarrier)('producer:outbox-committed');
  }
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
