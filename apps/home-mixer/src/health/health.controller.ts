import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens';

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  /** `ok`, or why the check failed. */
  readonly checks: Readonly<Record<string, string>>;
}

const PING_TIMEOUT_MS = 250;

@Controller()
export class HealthController {
  constructor(@Inject(REDIS) private readonly _redis: Redis) {}

  /** Liveness: the process serves HTTP. Deliberately checks nothing else. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the world is loaded (it is, once the app serves) and Redis answers a PING in time. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const redis = await this.pingRedis();
    const checks = { world: 'ok', redis };
    const ready = redis === 'ok';
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks };
  }

  private async pingRedis(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no PONG within ${PING_TIMEOUT_MS} ms`), PING_TIMEOUT_MS);
      });
      const ping = this._redis.ping().then(
        (r: string) => (r === 'PONG' ? 'ok' : `unexpected reply ${r}`),
        (err: Error) => `unreachable: ${err.message}`,
      );
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
