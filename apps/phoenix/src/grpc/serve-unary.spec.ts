import { InFlightLimiter } from '@foryou/service-kit';
import { createLogger } from '@foryou/telemetry';
import { Metadata, type ServerUnaryCall, type ServiceError, status } from '@grpc/grpc-js';
import { PhoenixError } from '../errors/phoenix-error';
import type { RequestOutcome, Rpc } from '../telemetry/metrics';
import { serveUnary, type ServeDeps } from './serve-unary';

interface Outcome {
  error: ServiceError | null;
  value: unknown;
}

function harness(overrides: Partial<ServeDeps> = {}) {
  const outcomes: { rpc: Rpc; outcome: RequestOutcome }[] = [];
  const deps: ServeDeps = {
    readiness: { serving: true, phase: 'serving' },
    limiter: new InFlightLimiter(1),
    metrics: { request: (rpc, outcome) => outcomes.push({ rpc, outcome }), inFlight: () => undefined },
    logger: createLogger({ service: 'test', level: 'silent' }),
    serving: { maxConcurrentRequests: 1, requestTimeoutMs: 1000, deadlineReserveMs: 5 },
    yieldToLoop: () => Promise.resolve(),
    ...overrides,
  };
  const call = (opts: { deadline?: number; cancelled?: boolean } = {}) =>
    ({
      request: { n: 1 },
      metadata: new Metadata(),
      getDeadline: () => opts.deadline ?? Number.POSITIVE_INFINITY,
      cancelled: opts.cancelled ?? false,
    }) as unknown as ServerUnaryCall<{ n: number }, { ok: boolean }>;
  const run = (handler: ReturnType<typeof serveUnary<{ n: number }, { ok: boolean }>>, c = call()) =>
    new Promise<Outcome>((resolve) =>
      handler(c, (error, value) => resolve({ error: error as ServiceError | null, value })),
    );
  return { deps, outcomes, call, run };
}

describe('serveUnary', () => {
  it('ok: answers, releases the permit, counts the outcome', async () => {
    const h = harness();
    const res = await h.run(serveUnary('retrieve', 't', h.deps, () => Promise.resolve({ ok: true })));
    expect(res).toEqual({ error: null, value: { ok: true } });
    expect(h.deps.limiter.inFlight).toBe(0);
    expect(h.outcomes).toEqual([{ rpc: 'retrieve', outcome: 'ok' }]);
  });

  it('UNAVAILABLE while not serving', async () => {
    const h = harness({ readiness: { serving: false, phase: 'starting' } });
    const res = await h.run(serveUnary('rank', 't', h.deps, () => Promise.resolve({ ok: true })));
    expect(res.error?.code).toBe(status.UNAVAILABLE);
    expect(h.outcomes).toEqual([{ rpc: 'rank', outcome: 'unavailable' }]);
  });

  it('RESOURCE_EXHAUSTED at once while the only permit is held (nothing queues)', async () => {
    const h = harness();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = serveUnary('retrieve', 't', h.deps, async () => {
      await held;
      return { ok: true };
    });
    const first = h.run(slow);
    await Promise.resolve(); // the first call has taken the permit synchronously
    const second = await h.run(serveUnary('retrieve', 't', h.deps, () => Promise.resolve({ ok: true })));
    expect(second.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    release();
    expect((await first).error).toBeNull();
    expect(h.deps.limiter.inFlight).toBe(0);
    expect(h.outcomes.map((o) => o.outcome).sort()).toEqual(['ok', 'rejected']);
  });

  it('DEADLINE_EXCEEDED when the deadline leaves no time; CANCELLED when the caller has gone', async () => {
    const h = harness();
    const work = jest.fn(() => Promise.resolve({ ok: true }));
    const late = await h.run(serveUnary('retrieve', 't', h.deps, work), h.call({ deadline: Date.now() - 1 }));
    expect(late.error?.code).toBe(status.DEADLINE_EXCEEDED);
    const gone = await h.run(serveUnary('retrieve', 't', h.deps, work), h.call({ cancelled: true }));
    expect(gone.error?.code).toBe(status.CANCELLED);
    expect(work).not.toHaveBeenCalled();
    expect(h.outcomes.map((o) => o.outcome)).toEqual(['deadline_exceeded', 'cancelled']);
  });

  it('a PhoenixError keeps its code; anything else is INTERNAL', async () => {
    const h = harness();
    const invalid = await h.run(
      serveUnary('rank', 't', h.deps, () => Promise.reject(new PhoenixError('invalid_argument', 'bad k'))),
    );
    expect(invalid.error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'bad k' });
    const boom = await h.run(serveUnary('rank', 't', h.deps, () => Promise.reject(new Error('boom'))));
    expect(boom.error).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(h.deps.limiter.inFlight).toBe(0);
  });
});
