import { activeTraceId, Attr, type Logger } from '@foryou/telemetry';
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
import type { AppConfig } from '../config/app-config';
import { PhoenixError } from '../errors/phoenix-error';
import type { Readiness } from '../health/readiness';
import { PhoenixAttr } from '../telemetry/attributes';
import type { PhoenixMetrics, RequestOutcome, Rpc } from '../telemetry/metrics';
import { CallBudget, type MonotonicClock, systemClock } from './call-budget';
import type { InFlightLimiter } from './in-flight-limiter';

/** What every RPC handler shares. */
export interface ServeDeps {
  readonly readiness: Pick<Readiness, 'serving' | 'phase'>;
  readonly limiter: InFlightLimiter;
  readonly metrics: Pick<PhoenixMetrics, 'request' | 'inFlight'>;
  readonly logger: Logger;
  readonly serving: AppConfig['serving'];
  readonly clock?: MonotonicClock;
  readonly wallNowMs?: () => number;
  readonly yieldToLoop?: () => Promise<void>;
  readonly tracer?: Tracer;
}

/** W3C trace context (and baggage) from gRPC metadata, so Phoenix's span joins the caller's trace. */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).map(String);
    return values.length === 0 ? undefined : values;
  },
};

/**
 * One unary call, the same way for every RPC: UNAVAILABLE unless serving; RESOURCE_EXHAUSTED at once
 * beyond the in-flight limit (load shedding, nothing queues); a CallBudget from the caller's deadline
 * (DEADLINE_EXCEEDED when none is left, CANCELLED once the caller has gone); one server span; the
 * outcome and duration to the request metrics. `work` throws PhoenixError for expected failures;
 * anything else is INTERNAL (and logged).
 */
export function serveUnary<Req, Res>(
  rpc: Rpc,
  spanName: string,
  d: ServeDeps,
  work: (request: Req, budget: CallBudget, span: Span) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  const clock = d.clock ?? systemClock;
  const tracer = d.tracer ?? trace.getTracer('phoenix');
  return (call: ServerUnaryCall<Req, Res>, callback) => {
    const started = clock.now();
    const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
    const span = tracer.startSpan(spanName, { kind: SpanKind.SERVER }, parent);
    void context.with(trace.setSpan(parent, span), async () => {
      let outcome: RequestOutcome = 'error';
      let acquired = false;
      try {
        if (!d.readiness.serving) {
          throw new PhoenixError('unavailable', `phoenix is not serving (${d.readiness.phase})`);
        }
        if (!d.limiter.tryAcquire()) {
          throw new PhoenixError('resource_exhausted', `more than ${d.limiter.limit} calls in flight`);
        }
        acquired = true;
        d.metrics.inFlight(d.limiter.inFlight);
        const budget = CallBudget.fromDeadline({
          deadline: call.getDeadline(),
          wallNowMs: (d.wallNowMs ?? Date.now)(),
          clock,
          maxBudgetMs: d.serving.requestTimeoutMs,
          reserveMs: d.serving.deadlineReserveMs,
          cancelled: () => call.cancelled,
          ...(d.yieldToLoop ? { yieldToLoop: d.yieldToLoop } : {}),
        });
        span.setAttribute(PhoenixAttr.deadlineBudgetMs, Math.round(budget.remainingMs()));
        budget.assertTimeLeft();
        // Yield once while holding the permit: other arrivals see this call in flight, and a caller
        // that already gave up is noticed before any work.
        await budget.checkpoint();
        const response = await work(call.request, budget, span);
        budget.assertNotCancelled();
        outcome = 'ok';
        callback(null, response);
      } catch (err) {
        const error = err instanceof PhoenixError ? err : new PhoenixError('internal', 'internal error');
        if (!(err instanceof PhoenixError)) {
          d.logger.error({ err, rpc }, `${spanName} failed`);
        }
        outcome = error.outcome;
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        callback(error.toServiceError(), null);
      } finally {
        if (acquired) {
          d.limiter.release();
          d.metrics.inFlight(d.limiter.inFlight);
        }
        span.setAttribute(Attr.outcome, outcome);
        d.metrics.request(rpc, outcome, (clock.now() - started) / 1000, activeTraceId());
        span.end();
      }
    });
  };
}
