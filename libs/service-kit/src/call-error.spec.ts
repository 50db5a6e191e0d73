import { status } from '@grpc/grpc-js';
import { CallError, type CallErrorCode } from './call-error';

describe(CallError.name, () => {
  it.each<[CallErrorCode, status, string]>([
    ['invalid_argument', status.INVALID_ARGUMENT, 'invalid'],
    ['resource_exhausted', status.RESOURCE_EXHAUSTED, 'rejected'],
    ['deadline_exceeded', status.DEADLINE_EXCEEDED, 'deadline_exceeded'],
    ['cancelled', status.CANCELLED, 'cancelled'],
    ['unavailable', status.UNAVAILABLE, 'unavailable'],
    ['internal', status.INTERNAL, 'error'],
  ])('should map %s to gRPC status %i and outcome %s', (code, grpcStatus, outcome) => {
    const error = new CallError(code, 'why');

    expect([error.grpcStatus, error.outcome]).toEqual([grpcStatus, outcome]);
    expect(error.toServiceError()).toMatchObject({ code: grpcStatus, details: 'why', message: 'why' });
  });

  it('should keep the name a subclass gives it', () => {
    class ServiceError extends CallError<'internal'> {
      override readonly name = 'ServiceError';
    }

    expect(new ServiceError('internal', 'x')).toMatchObject({ name: 'ServiceError', code: 'internal' });
    expect(new CallError('internal', 'x').name).toBe('CallError');
  });
});
