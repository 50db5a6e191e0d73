import * as grpc from '@grpc/grpc-js';
import { errorKindOf, unaryCall } from './grpc-call';

interface Captured {
  metadata?: grpc.Metadata;
  options?: grpc.CallOptions;
  cancelled: boolean;
  respond?: (err: grpc.ServiceError | null, res?: string) => void;
}

function fakeInvoker(captured: Captured) {
  return (
    _req: string,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: string) => void,
  ) => {
    captured.metadata = metadata;
    captured.options = options;
    captured.respond = cb;
    return {
      cancel: () => {
        captured.cancelled = true;
        cb(
          Object.assign(new Error('cancelled'), {
            code: grpc.status.CANCELLED,
            details: 'Cancelled on client',
            metadata,
          }),
        );
      },
    } as unknown as grpc.ClientUnaryCall;
  };
}

describe(unaryCall.name, () => {
  const call = (signal: AbortSignal) => ({ requestId: 'req-1', attemptId: 'att-1', budgetMs: 40, signal });

  it('should send the ids as metadata and the budget as the gRPC deadline', async () => {
    const captured: Captured = { cancelled: false };
    const before = Date.now();
    const pending = unaryCall(fakeInvoker(captured), 'hello', call(new AbortController().signal));
    captured.respond!(null, 'world');
    expect(await pending).toEqual({ ok: true, value: 'world' });
    expect(captured.metadata!.get('x-request-id')).toEqual(['req-1']);
    expect(captured.metadata!.get('x-attempt-id')).toEqual(['att-1']);
    const deadline = (captured.options!.deadline as Date).getTime();
    expect(deadline).toBeGreaterThanOrEqual(before + 40);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 40);
  });

  it('should cancel the call on the wire when the caller aborts', async () => {
    const captured: Captured = { cancelled: false };
    const controller = new AbortController();
    const pending = unaryCall(fakeInvoker(captured), 'hello', call(controller.signal));
    controller.abort();
    expect(captured.cancelled).toBe(true);
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'dependency_unavailable' } });
  });

  it('should map status codes to error kinds', () => {
    expect(errorKindOf(grpc.status.UNAVAILABLE)).toBe('dependency_unavailable');
    expect(errorKindOf(grpc.status.DEADLINE_EXCEEDED)).toBe('dependency_unavailable');
    expect(errorKindOf(grpc.status.RESOURCE_EXHAUSTED)).toBe('resource_exhausted');
    expect(errorKindOf(grpc.status.INTERNAL)).toBe('dependency_error');
  });
});
