import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { RequestOutcome } from '../telemetry/metrics';

/** Thunder's error taxonomy, mapped to gRPC status codes and request outcomes in one place. */
export type ThunderErrorCode = 'invalid_argument' | 'resource_exhausted' | 'unavailable' | 'internal';

const MAPPING: Record<ThunderErrorCode, { status: status; outcome: RequestOutcome }> = {
  invalid_argument: { status: status.INVALID_ARGUMENT, outcome: 'invalid' },
  resource_exhausted: { status: status.RESOURCE_EXHAUSTED, outcome: 'rejected' },
  unavailable: { status: status.UNAVAILABLE, outcome: 'unavailable' },
  internal: { status: status.INTERNAL, outcome: 'error' },
};

export class ThunderError extends Error {
  override readonly name = 'ThunderError';

  constructor(
    readonly code: ThunderErrorCode,
    message: string,
  ) {
    super(message);
  }

  get outcome(): RequestOutcome {
    return MAPPING[this.code].outcome;
  }

  toServiceError(): ServiceError {
    return Object.assign(new Error(this.message), {
      code: MAPPING[this.code].status,
      details: this.message,
      metadata: new Metadata(),
    });
  }
}
