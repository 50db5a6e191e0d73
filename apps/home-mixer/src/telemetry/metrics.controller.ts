import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HomeMixerMetrics } from './metrics';

@Controller()
export class MetricsController {
  constructor(private readonly _metrics: HomeMixerMetrics) {}

  /** Prometheus scrape endpoint, in OpenMetrics format (exemplars carry trace ids). */
  @Get('metrics')
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this._metrics.registry.contentType);
    return this._metrics.registry.metrics();
  }
}
