import type { handleUnaryCall, Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { CallError } from './call-error';
import type { MonotonicClock } from './call-clock';
import type { InFlightLimiter } from './in-flight-limiter';

/** The codes `serveUnaryCall` answers with itself, so every service's error class must have them. */
export type ServedCode = 'unavailable' | 'resource_exhausted' | 'internal';

/** What one unary RPC shares with every other: admission, tracing, error mapping, accounting. */
export interface UnaryCallOptions<E extends CallError, O extends string> {
  /** Name of the server span, e.g. `thunder/GetInNetworkPosts`. */
  readonly spanName: string;
  readonly tracer: Tracer;
  readonly clock: MonotonicClock;
  readonly limiter: InFlightLimiter;
  /**
   * The service's CallError subclass: errors of that class are answered as they are; UNAVAILABLE,
   * RESOURCE_EXHAUSTED and INTERNAL are made with it.
   */
  readonly errors: new (code: ServedCode, message: string) => E;
  /** Why calls cannot be served now (the UNAVAILABLE message), or undefined when they can. */
  readonly unavailable: () => string | undefined;
  /** The RESOURCE_EXHAUSTED message for a call beyond the in-flight limit. */
  readonly overloaded: string;
  /** The span attribute that carries the outcome. */
  readonly outcomeAttribute: string;
  /** The number of calls in flight, after every change. */
  readonly inFlight: (count: number) => void;
  /**
   * Once per call, just before its span ends (still in its context): outcome and duration in seconds.
   * `error` (INTERNAL's outcome) if the call failed in a way nothing else recorded.
   */
  readonly completed: (outcome: O | E['outcome'] | 'error', seconds: number) => void;
  /** An error that is not of the service's class (answered INTERNAL): log it. */
  readonly unexpected: (err: unknown) => void;
}

/** W3C trace context (and baggage) from gRPC metadata, so the server span joins the caller's trace. */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).map(String);
    return values.length === 0 ? undefined : values;
  },
};

/**
 * What one RPC does once admitted, in two steps. `prepare` runs synchronously (validate the request,
 * work out its deadline, annotate the span): a throw there is answered before the handler returns,
 * so the permit is free again for calls dispatched in the same tick. `run`, started right after it,
 * does the asynchronous work and says which success outcome it was.
 */
export interface UnaryWork<Req, Res, P, O extends string> {
  prepare(call: ServerUnaryCall<Req, Res>, span: Span): P;
  run(
    prepared: P,
    call: ServerUnaryCall<Req, Res>,
    span: Span,
  ): Promise<{ readonly response: Res; readonly outcome: O }>;
}

/**
 * One unary call, the same way for every RPC: UNAVAILABLE unless the service can serve;
 * RESOURCE_EXHAUSTED at once beyond the in-flight limit (load shedding, nothing queues); then `work`
 * while holding a permit, inside one server span that joins the caller's trace. `work` throws the
 * service's error class for expected failures; anything else is INTERNAL. Every call reports its
 * outcome and duration through `completed`.
 */
export function serveUnaryCall<Req, Res, E extends CallError, O extends string, P>(
  options: UnaryCallOptions<E, O>,
  work: UnaryWork<Req, Res, P, O>,
): handleUnaryCall<Req, Res> {
  const { clock, limiter, errors: ErrorClass } = options;
  return (call, callback) => {
    const started = clock.now();
    const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
    const span = options.tracer.startSpan(options.spanName, { kind: SpanKind.SERVER }, parent);
    void context.with(trace.setSpan(parent, span), async () => {
      let outcome: O | E['outcome'] | 'error' = 'error';
      let acquired = false;
      try {
        const unavailable = options.unavailable();
        if (unavailable !== undefined) {
          throw new ErrorClass('unavailable', unavailable);
        }
        if (!limiter.tryAcquire()) {
          throw new ErrorClass('resource_exhausted', options.overloaded);
        }
        acquired = true;
        options.inFlight(limiter.inFlight);
        const prepared = work.prepare(call, span);
        const result = await work.run(prepared, call, span);
        outcome = result.outcome;
        callback(null, result.response);
      } catch (err) {
        const error = err instanceof ErrorClass ? err : new ErrorClass('internal', 'internal error');
        if (!(err instanceof ErrorClass)) {
          options.unexpected(err);
        }
        outcome = error.outcome;
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        callback(error.toServiceError(), null);
      } finally {
        if (acquired) {
          limiter.release();
          options.inFlight(limiter.inFlight);
        }
        span.setAttribute(options.outcomeAttribute, outcome);
        options.completed(outcome, (clock.now() - started) / 1000);
        span.end();
      }
    });
  };
}
