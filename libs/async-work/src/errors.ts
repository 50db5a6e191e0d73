/** Why a job cannot succeed no matter how often it is retried. */
export type PermanentReason =
  | 'malformed_envelope'
  | 'unknown_job_type'
  | 'unknown_schema_version'
  | 'invalid_payload'
  | 'rejected_by_handler';

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
