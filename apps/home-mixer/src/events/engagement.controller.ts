import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { ErrorResponse } from '@foryou/contracts';
import type { FastifyReply } from 'fastify';
import { EngagementService, EngagementUnavailableError, type EngagementAccepted } from './engagement.service';

/** The 503 body: the API's error shape plus `retryable: true` (retry with the same client event ids). */
export interface EngagementUnavailable extends ErrorResponse {
  readonly retryable: true;
}

@Controller('v1/events')
export class EngagementController {
  constructor(private readonly _events: EngagementService) {}

  /**
   * Engagement outcomes of one viewer: `202 {accepted, duplicates_in_batch, batch_id}` once the batch is
   * durably accepted (one outbox transaction); `400` with every problem when any event is invalid
   * (nothing is accepted); `503` with `retryable: true` when it could not be committed.
   */
  @Post('engagement')
  @HttpCode(202)
  async engagement(
    @Body() body: unknown,
    @Headers('x-request-id') requestIdHeader: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EngagementAccepted | EngagementUnavailable> {
    const requestId = this._events.requestId(requestIdHeader, body);
    void reply.header('x-request-id', requestId);
    try {
      return await this._events.record(body, requestId);
    } catch (err) {
      if (!(err instanceof EngagementUnavailableError)) {
        throw err;
      }
      void reply.status(503).header('retry-after', '1');
      return {
        error: { code: 'unavailable', message: err.message, details: [] },
        request_id: requestId,
        retryable: true,
      };
    }
  }
}
