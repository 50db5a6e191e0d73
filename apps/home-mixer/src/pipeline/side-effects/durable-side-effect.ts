import type { SideEffect, SideEffectInput } from '@foryou/candidate-pipeline';
import type { DurableWork } from '@foryou/feed-state';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

export type FeedSideEffectInput = SideEffectInput<ForYouQuery, FeedCandidate>;

/**
 * A side effect that can be described as durable work: the outbox sink commits `work(input)` before the
 * response is sent and a worker applies it; `run` applies the same work in-process (tests, tools) through
 * the same idempotent repository call the worker uses.
 */
export interface DurableSideEffect extends SideEffect<ForYouQuery, FeedCandidate> {
  work(input: FeedSideEffectInput): DurableWork;
}

export function isDurable(effect: SideEffect<ForYouQuery, FeedCandidate>): effect is DurableSideEffect {
  return typeof (effect as Partial<DurableSideEffect>).work === 'function';
}
