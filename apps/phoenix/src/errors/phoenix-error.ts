import { CallError } from '@foryou/service-kit';

/** Phoenix's error taxonomy; CallError maps each code to its gRPC status and request outcome. */
export type PhoenixErrorCode =
  'invalid_argument' | 'resource_exhausted' | 'deadline_exceeded' | 'cancelled' | 'unavailable' | 'internal';

export class PhoenixError extends CallError<PhoenixErrorCode> {
  override readonly name = 'PhoenixError';
}
