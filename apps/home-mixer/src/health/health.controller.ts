import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DEPENDENCY_PROBES, type DependencyProbe } from './dependency-probe';

export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  /** Per dependency: `ok`, or why not. The world is loaded once the app serves at all. */
  readonly checks: Readonly<Record<string, string>>;
  /** Dependencies that gate readiness. */
  readonly required: readonly string[];
}

const PROBE_TIMEOUT_MS = 250;

@Controller()
export class HealthController {
  constructor(@Inject(DEPENDENCY_PROBES) private readonly _probes: readonly DependencyProbe[]) {}

  /** Liveness: the process serves HTTP. Deliberately checks nothing else. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the world is loaded and every required dependency answers in time. */
  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const results = await Promise.all(this._probes.map((p) => withTimeout(p.check(), PROBE_TIMEOUT_MS)));
    const checks: Record<string, string> = { world: 'ok' };
    this._probes.forEach((p, i) => (checks[p.name] = results[i]!));
    const ready = this._probes.every((p, i) => !p.required || results[i] === 'ok');
    void reply.status(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not_ready',
      checks,
      required: this._probes.filter((p) => p.required).map((p) => p.name),
    };
  }
}

async function withTimeout(check: Promise<string>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([check.catch((err: Error) => `failed: ${err.message}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
