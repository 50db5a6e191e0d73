import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { RequestOutcome } from '../telemetry/metrics';

/** Phoenix's error taxonomy, mapped to gRPC status codes and request outcomes in one place. */
export type PhoenixErrorCode =
  'invalid_argument' | 'resource_exhausted' | 'deadline_exceeded' | 'cancelled' | 'unavailable' | 'internal';

const MAPPING: Record<PhoenixErrorCode, { status: status; outcome: RequestOutcome }> = {
  invalid_argument: { status: status.INVALID_ARGUMENT, outcome: 'invalid' },
  resource_exhausted: { status: status.RESOURCE_EXHAUSTED, outcome: 'rejected' },
  deadline_exceeded: { status: status.DEADLINE_EXCEEDED, outcome: 'deadline_exceeded' },
  cancelled: { status: status.CANCELLED, outcome: 'cancelled' },
  unavailable: { status: status.UNAVAILABLE, outcome: 'unavailable' },
  internal: { status: status.INTERNAL, outcome: 'error' },
};

export class PhoenixError extends Error {
  override readonly name = 'PhoenixError';

  constructor(
    readonly code: PhoenixErrorCode,
    message: string,
  ) {
    super(message);
  }

  get outcome(): RequestOutcome {
    return MAPPING[this.code].outcome;
  }

  get grpcStatus(): status {
    return MAPPING[this.code].status;
  }

  toServiceError(): ServiceError {
    return Object.assign(new Error(this.message), {
      code: MAPPING[this.code].status,
      details: this.message,
      metadata: new Metadata(),
    });
  }
}
