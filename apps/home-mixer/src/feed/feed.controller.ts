import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { FeedResponse } from '@foryou/contracts';
import type { PipelineRecord, StageRecord } from '@foryou/candidate-pipeline';
import type { FastifyReply } from 'fastify';
import { explainCandidates, type ExplainedCandidate } from './debug-ledger';
import { FeedService } from './feed.service';

export interface DebugFeedResponse extends FeedResponse {
  readonly ledger: {
    /** Stage ledger per pipeline, outer first. */
    readonly stages: Readonly<Record<string, readonly StageRecord[]>>;
    /** Every candidate of both pipelines, once, with provenance and fate. */
    readonly candidates: readonly ExplainedCandidate[];
  };
}

@Controller('v1/feed/for-you')
export class FeedController {
  constructor(private readonly _feed: FeedService) {}

  /**
   * The For You feed. Its side effects (served history, served-candidates log, candidate cache) are
   * durably accepted before the response is sent and applied asynchronously by the workers.
   */
  @Get()
  async feed(
    @Query() query: unknown,
    @Headers('x-request-id') requestIdHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FeedResponse> {
    const requestId = this._feed.requestId(requestIdHeader);
    void reply.header('x-request-id', requestId);
    const served = await this._feed.serve(
      { query, requestIdHeader, debug: false },
      requestId,
      clientGone(reply),
    );
    return served.response;
  }

  /** The same feed plus its full ledgers; runs no side effects, so it never changes the next request. */
  @Get('debug')
  async debug(
    @Query() query: unknown,
    @Headers('x-request-id') requestIdHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DebugFeedResponse> {
    const requestId = this._feed.requestId(requestIdHeader);
    void reply.header('x-request-id', requestId);
    const served = await this._feed.serve(
      { query, requestIdHeader, debug: true },
      requestId,
      clientGone(reply),
    );
    return {
      ...served.response,
      ledger: { stages: stagesByPipeline(served.record), candidates: explainCandidates(served.record) },
    };
  }
}

/** Aborts when the client disconnects before the response is written. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort(new Error('client disconnected'));
    }
  });
  return controller.signal;
}

function stagesByPipeline(record: PipelineRecord): Record<string, readonly StageRecord[]> {
  const out: Record<string, readonly StageRecord[]> = { [record.pipeline]: record.stages };
  for (const nested of Object.values(record.nested)) {
    Object.assign(out, stagesByPipeline(nested));
  }
  return out;
}
