export const PERMANENT_REASONS = [
  'malformed_envelope',
  'unknown_job_type',
  'unknown_schema_version',
  'invalid_payload',
  'rejected_by_handler',
] as const;

/** Why a job cannot succeed no matter how often it is retried. */
export type PermanentReason = (typeof PERMANENT_REASONS)[number];

/** The reason a PermanentJobError put in front of its message (`[reason] …`), if any. */
export function permanentReasonOf(message: string): PermanentReason | undefined {
  const tag = /^\[(\w+)\]/.exec(message)?.[1];
  return (PERMANENT_REASONS as readonly string[]).includes(tag ?? '') ? (tag as PermanentReason) : undefined;
}

/**
 * A failure that retrying will not fix: the job goes to quarantine at once. Everything else a handler
 * throws is treated as transient and retried with backoff until the attempt budget is spent.
 */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';

  constructor(
    readonly reason: PermanentReason,
    message: string,
  ) {
    super(`[${reason}] ${message}`);
  }
}

export type FailureClass = 'permanent' | 'transient';

export function classify(err: unknown): FailureClass {
  return err instanceof PermanentJobError ? 'permanent' : 'transient';
}
