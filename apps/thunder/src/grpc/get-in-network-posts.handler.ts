import type { GetInNetworkPostsResponse, InNetworkPostsHandlers } from '@foryou/contracts';
import {
  type InFlightLimiter,
  type MonotonicClock,
  serveUnaryCall,
  systemClock,
  yieldToEventLoop,
} from '@foryou/service-kit';
import { activeTraceId, Attr, type Logger } from '@foryou/telemetry';
import { trace, type Tracer } from '@opentelemetry/api';
import type { AppConfig } from '../config/app-config';
import type { NotReadyReason } from '../health/readiness';
import { Deadline } from '../query/deadline';
import type { InNetworkReader } from '../query/in-network-scan';
import { runInNetworkQuery } from '../query/run-in-network-query';
import { ThunderAttr } from '../telemetry/attributes';
import type { RequestOutcome, ThunderMetrics } from '../telemetry/metrics';
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
  return serveUnaryCall(
    {
      spanName: 'thunder/GetInNetworkPosts',
      tracer: d.tracer ?? trace.getTracer('thunder'),
      clock,
      limiter: d.limiter,
      errors: ThunderError,
      unavailable: () => {
        const notReady = d.notReady();
        return notReady === undefined ? undefined : `thunder is not ready (${notReady})`;
      },
      overloaded: `more than ${d.limiter.limit} requests in flight`,
      outcomeAttribute: Attr.outcome,
      inFlight: (count) => d.metrics.inFlight(count),
      completed: (outcome: RequestOutcome, seconds: number) =>
        d.metrics.request(outcome, seconds, activeTraceId()),
      unexpected: (err) => d.logger.error({ err }, 'GetInNetworkPosts failed'),
    },
    {
      prepare: (call, span) => {
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
        return { request, deadline, storeVersion: d.storeVersion() };
      },
      run: async ({ request, deadline, storeVersion }, call, span) => {
        const result = await runInNetworkQuery(d.store(), request, {
          scanCapPerAuthor: d.serving.maxScanPerAuthor,
          shouldStop: () => call.cancelled || deadline.shouldStop(),
          authorsPerSlice: AUTHORS_PER_SLICE,
          yieldToLoop: d.yieldToLoop ?? yieldToEventLoop,
        });
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
        return { response, outcome: result.partial ? 'partial' : 'ok' };
      },
    },
  );
}
