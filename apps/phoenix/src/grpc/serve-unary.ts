import { type InFlightLimiter, type MonotonicClock, serveUnaryCall, systemClock } from '@foryou/service-kit';
import { activeTraceId, Attr, type Logger } from '@foryou/telemetry';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { type Span, trace, type Tracer } from '@opentelemetry/api';
import type { AppConfig } from '../config/app-config';
import { PhoenixError } from '../errors/phoenix-error';
import type { Readiness } from '../health/readiness';
import { PhoenixAttr } from '../telemetry/attributes';
import type { PhoenixMetrics, RequestOutcome, Rpc } from '../telemetry/metrics';
import { CallBudget } from './call-budget';

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
  return serveUnaryCall(
    {
      spanName,
      tracer: d.tracer ?? trace.getTracer('phoenix'),
      clock,
      limiter: d.limiter,
      errors: PhoenixError,
      unavailable: () => (d.readiness.serving ? undefined : `phoenix is not serving (${d.readiness.phase})`),
      overloaded: `more than ${d.limiter.limit} calls in flight`,
      outcomeAttribute: Attr.outcome,
      inFlight: (count) => d.metrics.inFlight(count),
      completed: (outcome: RequestOutcome, seconds: number) =>
        d.metrics.request(rpc, outcome, seconds, activeTraceId()),
      unexpected: (err) => d.logger.error({ err, rpc }, `${spanName} failed`),
    },
    {
      prepare: (call, span) => {
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
        return budget;
      },
      run: async (budget, call, span) => {
        // Yield once while holding the permit: other arrivals see this call in flight, and a caller
        // that already gave up is noticed before any work.
        await budget.checkpoint();
        const response = await work(call.request, budget, span);
        budget.assertNotCancelled();
        return { response, outcome: 'ok' };
      },
    },
  );
}
