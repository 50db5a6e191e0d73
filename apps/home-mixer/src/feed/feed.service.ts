import { Inject, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import {
  type Clock,
  type PendingSideEffects,
  type PipelineDefinition,
  type PipelineRecord,
  PipelineRunner,
  type SideEffectSink,
} from '@foryou/candidate-pipeline';
import type { FeedResponse } from '@foryou/contracts';
import { activeTraceId, Attr, type Logger } from '@foryou/telemetry';
import { FeedError } from '../errors/feed-error';
import { Experiments } from '../experiments/experiments';
import type { FeedCandidate } from '../pipeline/candidate/post-candidate';
import type { ForYouQuery } from '../query/for-you-query';
import { QueryBuilder, type RawFeedRequest } from '../query/query-builder';
import { HomeMixerMetrics, type FeedOutcome, type FeedQualityVerdict } from '../telemetry/metrics';
import { CLOCK, FOR_YOU_PIPELINE, LOGGER, SIDE_EFFECT_SINK } from '../tokens';
import { toFeedResponse } from './feed-response.mapper';

export interface ServedFeed {
  readonly response: FeedResponse;
  readonly record: PipelineRecord;
}

/** The viewer-side outcome of a served response (see FeedOutcome). */
export function outcomeOf(response: FeedResponse): FeedOutcome {
  if (!response.degradation.degraded) {
    return 'ok';
  }
  return response.counts.posts === 0 ? 'failed' : 'degraded';
}

/** Sources a good page needs: without either, the viewer sees only half of the For You mix. */
const REQUIRED_SOURCES: ReadonlySet<string> = new Set(['ThunderSource', 'PhoenixRetrievalSource']);
/** A page of this many items or fewer is visibly thin and cannot carry an ad (the blender's minimum). */
const SHORT_PAGE_MAX_ITEMS = 5;

/** The quality SLI's verdict on a served response; a short page takes precedence over a degraded source. */
export function qualityOf(response: FeedResponse): FeedQualityVerdict {
  if (response.items.length <= SHORT_PAGE_MAX_ITEMS) {
    return 'short';
  }
  const degraded = response.degradation.components.some(
    (c) => c.pipeline === 'scored_posts' && REQUIRED_SOURCES.has(c.component),
  );
  return degraded ? 'source_degraded' : 'good';
}

/** Serves one For You request end to end and owns its SLI measurement. */
@Injectable()
export class FeedService {
  constructor(
    private readonly _queryBuilder: QueryBuilder,
    private readonly _runner: PipelineRunner,
    @Inject(FOR_YOU_PIPELINE) private readonly _pipeline: PipelineDefinition<ForYouQuery, FeedCandidate>,
    @Inject(CLOCK) private readonly _clock: Clock,
    private readonly _metrics: HomeMixerMetrics,
    @Inject(SIDE_EFFECT_SINK) private readonly _sink: SideEffectSink,
    @Inject(LOGGER) private readonly _logger: Logger,
    private readonly _experiments: Experiments,
  ) {}

  /** Resolves the request id (generated or validated) before anything else can fail. */
  requestId(header: RawFeedRequest['requestIdHeader']): string {
    try {
      return this._queryBuilder.requestId(header);
    } catch (err) {
      this._metrics.request('for_you', 'client_error', 0);
      throw err;
    }
  }

  async serve(raw: RawFeedRequest, requestId: string, signal?: AbortSignal): Promise<ServedFeed> {
    const started = this._clock.now();
    const log = this._logger.child({ request_id: requestId });
    let outcome: FeedOutcome = 'error';
    try {
      const { query, deadline } = this._queryBuilder.build(raw, requestId);
      trace.getActiveSpan()?.setAttributes({
        [Attr.requestId]: requestId,
        [Attr.viewerId]: query.viewerId,
        [Attr.paramsVersion]: query.params.version,
        [Attr.surface]: query.surface,
        ...(query.versionVector.experiments ? { [Attr.experiments]: query.versionVector.experiments } : {}),
      });
      const traceId = activeTraceId();
      const result = await this._runner.run(this._pipeline, query, {
        deadline,
        reserveMs: query.params.values.reserveMs,
        ...(signal ? { signal } : {}),
        ...(traceId ? { traceId } : {}),
      });
      let response = this.enforceSafetyInvariant(toFeedResponse(result), result.selected, log);
      if (!raw.debug) {
        const exposures = this._experiments.exposureEffect(result.query, result.record, {
          latency_ms: this._clock.now() - started,
          items_returned: response.items.length,
          requested_items: query.limit,
        });
        const pending = exposures
          ? { ...result.sideEffects, effects: [...result.sideEffects.effects, exposures] }
          : result.sideEffects;
        const accepted = await this.acceptSideEffects(pending, response, log);
        if (accepted.ok && exposures) {
          this._experiments.exposed(exposures);
        }
        response = accepted.response;
      }
      for (const d of result.degradations) {
        this._metrics.degradedComponent(d.pipeline, d.component, d.status, d.policy);
      }
      outcome = outcomeOf(response);
      this._metrics.itemsReturned(query.surface, response.items.length);
      this._metrics.quality(query.surface, qualityOf(response));
      log.info(
        {
          viewer_id: query.viewerId,
          outcome,
          items: response.items.length,
          degraded_components: response.degradation.components.map((c) => `${c.component}:${c.status}`),
          params_version: query.params.version,
          debug: raw.debug,
        },
        'feed served',
      );
      return { response, record: result.record };
    } catch (err) {
      if (err instanceof FeedError && err.code === 'invalid_argument') {
        outcome = 'client_error';
        log.info({ outcome, details: err.details }, 'feed request rejected');
      } else {
        log.error({ err }, 'feed request failed');
      }
      throw err;
    } finally {
      this._metrics.request('for_you', outcome, (this._clock.now() - started) / 1000, activeTraceId());
    }
  }

  /**
   * Hands the response's side effects to the sink and waits until it has *accepted* them (for the outbox
   * sink: committed to Redis), so a response is only sent with its work on record. If they cannot be
   * accepted the feed is still served, marked degraded: the viewer may see these posts again, since
   * served history will not learn about them.
   */
  private async acceptSideEffects(
    pending: PendingSideEffects<ForYouQuery, FeedCandidate>,
    response: FeedResponse,
    log: Logger,
  ): Promise<{ readonly ok: boolean; readonly response: FeedResponse }> {
    try {
      await this._sink.submit(pending);
      return { ok: true, response };
    } catch (err) {
      log.error({ err, effects: pending.effects.map((e) => e.name) }, 'side effects not accepted');
      return {
        ok: false,
        response: {
          ...response,
          degradation: {
            degraded: true,
            components: [
              ...response.degradation.components,
              {
                pipeline: pending.pipeline,
                stage: 'side_effects',
                component: 'SideEffectOutbox',
                status: 'error',
                policy: 'fail_open',
                error_kind: 'dependency_unavailable',
                reason: 'side effects could not be durably accepted; served history will miss this response',
              },
            ],
          },
        },
      };
    }
  }

  /**
   * Defence in depth behind the pipeline's filters: a post without a proven servable safety label never
   * leaves the service. Should one get here (a bug), it is removed, counted and logged, and the page
   * loses its ads so no ad can end up next to an unvetted neighbour or last.
   */
  private enforceSafetyInvariant(
    response: FeedResponse,
    selected: readonly FeedCandidate[],
    log: Logger,
  ): FeedResponse {
    const unsafe = new Set(
      selected
        .filter((c) => c.type === 'post' && (c.safety?.state !== 'present' || c.safety.value === 'unsafe'))
        .map((c) => c.id),
    );
    if (unsafe.size === 0) {
      return response;
    }
    this._metrics.safetyViolations(response.surface, unsafe.size);
    log.error({ post_ids: [...unsafe] }, 'safety invariant violated: unvetted posts reached the response');
    const items = response.items
      .filter((i) => i.type === 'post' && !unsafe.has(i.id))
      .map((i, position) => ({ ...i, position }));
    return {
      ...response,
      items,
      counts: { ...response.counts, returned: items.length, posts: items.length, ads: 0 },
    };
  }
}
