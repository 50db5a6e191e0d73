import type { GetInNetworkPostsResponse, InNetworkPostsHandlers } from '@foryou/contracts';
import { activeTraceId, Attr, type Logger } from '@foryou/telemetry';
import type { Metadata } from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { AppConfig } from '../config/app-config';
import type { NotReadyReason } from '../health/readiness';
import { Deadline, systemClock, type MonotonicClock } from '../query/deadline';
import type { InNetworkReader } from '../query/in-network-scan';
import { runInNetworkQuery } from '../query/run-in-network-query';
import { ThunderAttr } from '../telemetry/attributes';
import type { RequestOutcome, ThunderMetrics } from '../telemetry/metrics';
import type { InFlightLimiter } from './in-flight-limiter';
import { parseRequest } from './request-schema';
import { ThunderError } from './thunder-error';
import { toLightPost } from './to-light-post';

/** Authors scanned between two yields to the event loop. */
const AUTHORS_PER_SLICE = 256;

export interface GetInNetworkPostsDeps {
  readonly store: () => InNetworkReader;
  readonly storeVersion: () => string;
  /** Why Thunder cannot serve yet, or undefined when it can. */
  readonly notReady: () => NotReadyReason | undefined;
  readonly limiter: InFlightLimiter;
  readonly metrics: Pick<ThunderMetrics, 'request' | 'postsReturned' | 'inFlight'>;
  readonly logger: Logger;
  readonly serving: AppConfig['serving'];
  readonly clock?: MonotonicClock;
  readonly wallNowMs?: () => number;
  readonly yieldToLoop?: () => Promise<void>;
  readonly tracer?: Tracer;
}

/** W3C trace context (and baggage) from gRPC metadata, so Thunder's span joins the caller's trace. */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).map(String);
    return values.length === 0 ? undefined : values;
  },
};

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * GetInNetworkPosts: UNAVAILABLE until ready; RESOURCE_EXHAUSTED at once beyond the in-flight limit
 * (load shedding, nothing queues); INVALID_ARGUMENT for a bad request; otherwise the scan, stopped
 * between authors `deadlineReserveMs` before the caller's deadline (or the server budget) with
 * `partial = true`. One server span per call; outcome and duration go to the request metrics.
 */
export function getInNetworkPostsHandler(
  d: GetInNetworkPostsDeps,
): InNetworkPostsHandlers['GetInNetworkPosts'] {
  const clock = d.clock ?? systemClock;
  const tracer = d.tracer ?? trace.getTracer('thunder');
  return (call, callback) => {
    const started = clock.now();
    const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
    const span = tracer.startSpan('thunder/GetInNetworkPosts', { kind: SpanKind.SERVER }, parent);
    void context.with(trace.setSpan(parent, span), async () => {
      let outcome: RequestOutcome = 'error';
      let acquired = false;
      try {
        const notReady = d.notReady();
        if (notReady !== undefined) {
          throw new ThunderError('unavailable', `thunder is not ready (${notReady})`);
        }
        if (!d.limiter.tryAcquire()) {
          throw new ThunderError('resource_exhausted', `more than ${d.limiter.limit} requests in flight`);
        }
        acquired = true;
        d.metrics.inFlight(d.limiter.inFlight);
        const parsed = parseRequest(call.request);
        if (!parsed.ok) {
          throw new ThunderError('invalid_argument', parsed.message);
        }
        const { request } = parsed;
        span.setAttributes({
          [Attr.requestId]: parsed.requestId,
          [Attr.viewerId]: request.viewerId,
          [ThunderAttr.authorsRequested]: request.authorIds.length,
        });
        const deadline = Deadline.fromWallClock(
          call.getDeadline(),
          clock,
          (d.wallNowMs ?? Date.now)(),
          d.serving.requestTimeoutMs,
          d.serving.deadlineReserveMs,
        );
        span.setAttribute(ThunderAttr.deadlineBudgetMs, Math.round(deadline.remainingMs()));
        const storeVersion = d.storeVersion();
        const result = await runInNetworkQuery(d.store(), request, {
          scanCapPerAuthor: d.serving.maxScanPerAuthor,
          shouldStop: () => call.cancelled || deadline.shouldStop(),
          authorsPerSlice: AUTHORS_PER_SLICE,
          yieldToLoop: d.yieldToLoop ?? nextTick,
        });
        outcome = result.partial ? 'partial' : 'ok';
        span.setAttributes({
          [ThunderAttr.authorsScanned]: result.authorsScanned,
          [ThunderAttr.postsReturned]: result.posts.length,
          [ThunderAttr.partial]: result.partial,
          [ThunderAttr.storeVersion]: storeVersion,
        });
        d.metrics.postsReturned(result.posts.length);
        const response: GetInNetworkPostsResponse = {
          posts: result.posts.map(toLightPost),
          partial: result.partial,
          authors_requested: result.authorsRequested,
          authors_scanned: result.authorsScanned,
          store_version: storeVersion,
        };
        callback(null, response);
      } catch (err) {
        const error = err instanceof ThunderError ? err : new ThunderError('internal', 'internal error');
        if (!(err instanceof ThunderError)) {
          d.logger.error({ err }, 'GetInNetworkPosts failed');
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
        d.metrics.request(outcome, (clock.now() - started) / 1000, activeTraceId());
        span.end();
      }
    });
  };
}
