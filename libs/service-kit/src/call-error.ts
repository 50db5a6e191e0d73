import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** Each error code's gRPC status and request outcome (the metrics label), in one place. */
const CALL_ERRORS = {
  invalid_argument: { status: status.INVALID_ARGUMENT, outcome: 'invalid' },
  resource_exhausted: { status: status.RESOURCE_EXHAUSTED, outcome: 'rejected' },
  deadline_exceeded: { status: status.DEADLINE_EXCEEDED, outcome: 'deadline_exceeded' },
  cancelled: { status: status.CANCELLED, outcome: 'cancelled' },
  unavailable: { status: status.UNAVAILABLE, outcome: 'unavailable' },
  internal: { status: status.INTERNAL, outcome: 'error' },
} as const;

export type CallErrorCode = keyof typeof CALL_ERRORS;
/** The request outcome of the given error codes. */
export type CallErrorOutcome<C extends CallErrorCode = CallErrorCode> = (typeof CALL_ERRORS)[C]['outcome'];

/**
 * An expected failure of a gRPC call, answered with the code's status and the message as details.
 * Each service subclasses it with the codes it uses (its error taxonomy).
 */
export class CallError<C extends CallErrorCode = CallErrorCode> extends Error {
  override readonly name: string = 'CallError';

  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }

  get outcome(): CallErrorOutcome<C> {
    return CALL_ERRORS[this.code].outcome;
  }

  get grpcStatus(): status {
    return CALL_ERRORS[this.code].status;
  }

  toServiceError(): ServiceError {
    return Object.assign(new Error(this.message), {
      code: this.grpcStatus,
      details: this.message,
      metadata: new Metadata(),
    });
  }
}
