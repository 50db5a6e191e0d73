import { CallError } from '@foryou/service-kit';

/** Thunder's error taxonomy; CallError maps each code to its gRPC status and request outcome. */
export type ThunderErrorCode = 'invalid_argument' | 'resource_exhausted' | 'unavailable' | 'internal';

export class ThunderError extends CallError<ThunderErrorCode> {
  override readonly name = 'ThunderError';
}
