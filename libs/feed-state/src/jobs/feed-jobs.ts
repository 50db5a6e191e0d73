import { defineJob, eventIdOf, type Envelope, type JobDefinition } from '@foryou/async-work';
import { z } from 'zod';
import {
  CANDIDATE_CACHE_JOB,
  RedisCandidateCacheRepository,
  type CandidateCacheWrite,
} from '../candidate-cache';
import {
  ServedCandidatesLog,
  SERVED_CANDIDATES_JOB,
  type ServedCandidatesRecord,
} from '../served-candidates';
import {
  RedisServedHistoryRepository,
  SERVED_HISTORY_JOB,
  type ServedHistoryUpdate,
} from '../served-history';

const PIPELINE = 'for_you';

const Id = z.string().min(1).max(200);

/** v1: no request type. Read by v2 code as request type `unknown`. */
const ServedHistoryV1 = z.object({
  viewerId: Id,
  requestId: Id,
  servedAtMs: z.number().nonnegative(),
  postIds: z.array(Id).max(1000),
  maxEntries: z.number().int().positive().max(100_000),
});
/** v2 adds the request type (additive: v1 readers can read v2 events, so `minReaderVersion` stays 1). */
const ServedHistoryV2 = ServedHistoryV1.extend({ requestType: z.string().min(1).max(64) });

export const servedHistoryJob: JobDefinition<ServedHistoryUpdate> = {
  type: SERVED_HISTORY_JOB,
  effect: 'UpdateServedHistory',
  pipeline: PIPELINE,
  readers: {
    1: ServedHistoryV1.transform((p) => ({ ...p, requestType: 'unknown' })),
    2: ServedHistoryV2,
  },
  handle: (payload, ctx) =>
    new RedisServedHistoryRepository(ctx.redis).apply(payload, ctx.envelope.businessKey),
};

const CandidateCacheV1 = z.object({
  viewerId: Id,
  requestId: Id,
  writtenAtMs: z.number().nonnegative(),
  posts: z.array(z.object({ postId: Id, score: z.number(), version: z.string() })).max(1000),
  ttlSeconds: z.number().int().positive(),
});

export const candidateCacheJob: JobDefinition<CandidateCacheWrite> = {
  type: CANDIDATE_CACHE_JOB,
  effect: 'CacheCandidates',
  pipeline: PIPELINE,
  readers: { 1: CandidateCacheV1 },
  handle: (payload, ctx) =>
    new RedisCandidateCacheRepository(ctx.redis).apply(payload, ctx.envelope.businessKey),
};

const ServedCandidatesV1 = z.object({
  viewerId: Id,
  requestId: Id,
  requestType: z.string().min(1).max(64),
  servedAtMs: z.number().nonnegative(),
  maxHistoryEntries: z.number().int().positive(),
  items: z
    .array(
      z.object({
        postId: Id,
        position: z.number().int().nonnegative(),
        sources: z.array(z.string()),
        score: z.number().nullable(),
        modelVersion: z.string().nullable(),
      }),
    )
    .max(1000),
});

export const servedCandidatesJob: JobDefinition<ServedCandidatesRecord> = {
  type: SERVED_CANDIDATES_JOB,
  effect: 'LogServedCandidates',
  pipeline: PIPELINE,
  readers: { 1: ServedCandidatesV1 },
  handle: (payload, ctx) => new ServedCandidatesLog(ctx.redis).apply(payload, ctx.envelope.businessKey),
};

/** Job types home-mixer writes to the outbox; a workers process refuses to boot without a handler for each. */
export const PRODUCED_JOB_TYPES: readonly string[] = [
  SERVED_HISTORY_JOB,
  CANDIDATE_CACHE_JOB,
  SERVED_CANDIDATES_JOB,
];

/** Every job type the feed's workers handle: the registry is built from this list. */
export const FEED_JOBS: readonly JobDefinition<unknown>[] = [
  defineJob(servedHistoryJob),
  defineJob(candidateCacheJob),
  defineJob(servedCandidatesJob),
];

export interface EnvelopeContext {
  readonly requestId: string;
  readonly producer: string;
  readonly createdAtMs: number;
  readonly traceparent?: string;
}

/** One unit of durable work before it is wrapped in an envelope. */
export interface DurableWork {
  readonly type: string;
  readonly businessKey: string;
  readonly payload: unknown;
  readonly schemaVersion: number;
  readonly minReaderVersion: number;
}

/** Event ids are `<requestId>.<type>`: a retried commit of the same request yields the same jobs. */
export function envelopeFor(ctx: EnvelopeContext, work: DurableWork): Envelope {
  return {
    eventId: eventIdOf(ctx.requestId, work.type),
    type: work.type,
    schemaVersion: work.schemaVersion,
    minReaderVersion: work.minReaderVersion,
    requestId: ctx.requestId,
    businessKey: work.businessKey,
    producer: ctx.producer,
    createdAtMs: ctx.createdAtMs,
    ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    payload: work.payload,
  };
}

/** Served-history work, one per (viewer, request). `version` 1 writes the legacy layout (compat tests). */
export function servedHistoryWork(update: ServedHistoryUpdate, version: 1 | 2 = 2): DurableWork {
  const { requestType, ...v1 } = update;
  return {
    type: SERVED_HISTORY_JOB,
    businessKey: `${update.viewerId}/${update.requestId}`,
    payload: version === 1 ? v1 : { ...v1, requestType },
    schemaVersion: version,
    minReaderVersion: 1,
  };
}

export function candidateCacheWork(write: CandidateCacheWrite): DurableWork {
  return {
    type: CANDIDATE_CACHE_JOB,
    businessKey: `${write.viewerId}/${write.requestId}`,
    payload: write,
    schemaVersion: 1,
    minReaderVersion: 1,
  };
}

export function servedCandidatesWork(record: ServedCandidatesRecord): DurableWork {
  return {
    type: SERVED_CANDIDATES_JOB,
    businessKey: record.requestId,
    payload: record,
    schemaVersion: 1,
    minReaderVersion: 1,
  };
}
