import * as grpc from '@grpc/grpc-js';
import { fail, ok, type ErrorKind, type Result } from '@foryou/candidate-pipeline';
import type { CallContext } from '../call-context';

type UnaryInvoker<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

/**
 * One unary RPC under the caller's budget: the gRPC deadline is the remaining component budget, the
 * request and attempt ids travel as metadata, and aborting the signal cancels the call on the wire.
 * Failures come back as typed results (status code → ErrorKind), never as exceptions.
 */
export function unaryCall<Req, Res>(
  invoke: UnaryInvoker<Req, Res>,
  request: Req,
  call: CallContext,
): Promise<Result<Res>> {
  if (call.signal.aborted) {
    return Promise.resolve(fail('dependency_unavailable', 'cancelled before the call'));
  }
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', call.requestId);
  metadata.set('x-attempt-id', call.attemptId);
  return new Promise((resolve) => {
    const onAbort = () => pending.cancel();
    const pending = invoke(
      request,
      metadata,
      { deadline: new Date(Date.now() + Math.max(1, call.budgetMs)) },
      (err, response) => {
        call.signal.removeEventListener('abort', onAbort);
        if (err) {
          resolve(
            fail(
              errorKindOf(err.code),
              `${grpc.status[err.code] ?? err.code}: ${err.details || err.message}`,
            ),
          );
        } else if (response === undefined) {
          resolve(fail('invalid_response', 'empty response'));
        } else {
          resolve(ok(response));
        }
      },
    );
    call.signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The one place gRPC status codes become the pipeline's error kinds. */
export function errorKindOf(code: grpc.status): ErrorKind {
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.CANCELLED:
    case grpc.status.DEADLINE_EXCEEDED:
      return 'dependency_unavailable';
    case grpc.status.RESOURCE_EXHAUSTED:
      return 'resource_exhausted';
    case grpc.status.OK:
    case grpc.status.UNKNOWN:
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.NOT_FOUND:
    case grpc.status.ALREADY_EXISTS:
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.FAILED_PRECONDITION:
    case grpc.status.ABORTED:
    case grpc.status.OUT_OF_RANGE:
    case grpc.status.UNIMPLEMENTED:
    case grpc.status.INTERNAL:
    case grpc.status.DATA_LOSS:
    case grpc.status.UNAUTHENTICATED:
      return 'dependency_error';
  }
}

/**
 * Channel options shared by every client: keepalive so a dead peer is noticed between requests, and a
 * short reconnect backoff (capped at 2 s instead of grpc-js's 120 s) so a restarted dependency is used
 * again within seconds — while the channel is down, calls fail fast and the feed degrades.
 */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 2_000,
};
