import type { JobsOptions } from 'bullmq';

/** The side-effect queue's name. */
export const SIDE_EFFECT_QUEUE = 'side-effects';

export interface RetryPolicy {
  /** Total attempts including the first (the attempt budget). */
  readonly attempts: number;
  /** First retry delay; each later one doubles (`delay_n = base × 2^n`). */
  readonly baseDelayMs: number;
  /** Fraction of each delay randomised (0..1) so retries of many jobs do not wake in lockstep. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 200, jitter: 0.5 };

/**
 * Options for every side-effect job. Completed jobs are kept a day so a re-sent event id is still
 * recognised by BullMQ (the inbox covers longer); failed jobs are kept as the quarantine.
 */
export function sideEffectJobOptions(policy: RetryPolicy = DEFAULT_RETRY_POLICY): JobsOptions {
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.baseDelayMs, jitter: policy.jitter },
    removeOnComplete: { age: 24 * 3600, count: 200_000 },
    removeOnFail: false,
  };
}
