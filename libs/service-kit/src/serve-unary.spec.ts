import {
  type handleUnaryCall,
  Metadata,
  type ServerUnaryCall,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { CallError } from './call-error';
import { InFlightLimiter } from './in-flight-limiter';
import { serveUnaryCall, type UnaryCallOptions, type UnaryWork } from './serve-unary';

class TestError extends CallError<'invalid_argument' | 'resource_exhausted' | 'unavailable' | 'internal'> {
  override readonly name = 'TestError';
}

type Req = { n: number };
type Res = { doubled: number };
type Outcome = 'ok' | 'invalid' | 'rejected' | 'unavailable' | 'error';
interface Reply {
  error: ServiceError | null;
  value: Res | null | undefined;
}

function harness(overrides: Partial<UnaryCallOptions<TestError, 'ok'>> = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const outcomes: Outcome[] = [];
  const inFlight: number[] = [];
  const unexpected: unknown[] = [];
  let now = 0;
  const options: UnaryCallOptions<TestError, 'ok'> = {
    spanName: 'test/Double',
    tracer: provider.getTracer('test'),
    clock: { now: () => (now += 250) },
    limiter: new InFlightLimiter(1),
    errors: TestError,
    unavailable: () => undefined,
    overloaded: 'more than 1 call in flight',
    outcomeAttribute: 'test.outcome',
    inFlight: (count) => inFlight.push(count),
    completed: (outcome: Outcome) => outcomes.push(outcome),
    unexpected: (err) => unexpected.push(err),
    ...overrides,
  };
  const doubling: UnaryWork<Req, Res, number, 'ok'> = {
    prepare: (call) => {
      if (call.request.n < 0) {
        throw new TestError('invalid_argument', 'n must not be negative');
      }
      return call.request.n;
    },
    run: (n) => Promise.resolve({ response: { doubled: 2 * n }, outcome: 'ok' }),
  };
  const call = (n: number, metadata = new Metadata()) =>
    ({ request: { n }, metadata }) as unknown as ServerUnaryCall<Req, Res>;
  const invoke = (
    handler: ReturnType<typeof serveUnaryCall<Req, Res, TestError, 'ok', number>>,
    c = call(1),
  ) =>
    new Promise<Reply>((resolve) =>
      handler(c, (error, value) => resolve({ error: error as ServiceError | null, value })),
    );
  return { options, doubling, call, invoke, outcomes, inFlight, unexpected, exporter };
}

describe(serveUnaryCall.name, () => {
  it('should answer with the work’s response, in one server span, and give the permit back', async () => {
    const h = harness();

    const reply = await h.invoke(serveUnaryCall(h.options, h.doubling), h.call(21));

    expect(reply).toEqual({ error: null, value: { doubled: 42 } });
    expect(h.outcomes).toEqual(['ok']);
    expect(h.inFlight).toEqual([1, 0]);
    expect(h.options.limiter.inFlight).toBe(0);
    const [span] = h.exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'test/Double',
      kind: SpanKind.SERVER,
      attributes: { 'test.outcome': 'ok' },
    });
  });

  it('should answer UNAVAILABLE with the reason, without taking a permit', async () => {
    const h = harness({ unavailable: () => 'warming up' });

    const reply = await h.invoke(serveUnaryCall(h.options, h.doubling));

    expect(reply.error).toMatchObject({ code: status.UNAVAILABLE, details: 'warming up' });
    expect(h.outcomes).toEqual(['unavailable']);
    expect(h.inFlight).toEqual([]);
  });

  it('should shed a call beyond the in-flight limit at once (nothing queues)', async () => {
    const h = harness();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = serveUnaryCall(h.options, {
      prepare: () => undefined,
      run: async () => {
        await held;
        return { response: { doubled: 0 }, outcome: 'ok' as const };
      },
    });

    const first = h.invoke(slow);
    const second = await h.invoke(serveUnaryCall(h.options, h.doubling));
    release();

    expect(second.error).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: 'more than 1 call in flight',
    });
    expect((await first).error).toBeNull();
    expect(h.outcomes).toEqual(['rejected', 'ok']);
    expect(h.options.limiter.inFlight).toBe(0);
  });

  it('should answer a synchronous failure of prepare before the handler returns', () => {
    const h = harness();
    const handler = serveUnaryCall(h.options, h.doubling);
    const codes: (number | undefined)[] = [];

    // Dispatched in the same tick: each has its permit back before the next one arrives.
    for (let i = 0; i < 3; i++) {
      handler(h.call(-1), (error) => codes.push(error?.code));
    }

    expect(codes).toEqual([status.INVALID_ARGUMENT, status.INVALID_ARGUMENT, status.INVALID_ARGUMENT]);
    expect(h.outcomes).toEqual(['invalid', 'invalid', 'invalid']);
  });

  it('should pass the service’s errors through and turn anything else into INTERNAL', async () => {
    const h = harness();
    const failing = (err: Error): handleUnaryCall<Req, Res> =>
      serveUnaryCall(h.options, { prepare: () => undefined, run: () => Promise.reject(err) });
    const boom = new Error('boom');

    const invalid = await h.invoke(failing(new TestError('invalid_argument', 'bad n')));
    const internal = await h.invoke(failing(boom));
    const foreign = await h.invoke(failing(new CallError('invalid_argument', 'another service’s')));

    expect(invalid.error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'bad n' });
    expect(internal.error).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(foreign.error).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(h.unexpected).toEqual([boom, expect.any(CallError)]);
    expect(h.outcomes).toEqual(['invalid', 'error', 'error']);
    const statuses = h.exporter.getFinishedSpans().map((s) => s.status);
    expect(statuses).toEqual([
      { code: SpanStatusCode.ERROR, message: 'bad n' },
      { code: SpanStatusCode.ERROR, message: 'internal error' },
      { code: SpanStatusCode.ERROR, message: 'internal error' },
    ]);
    expect(h.options.limiter.inFlight).toBe(0);
  });

  it('should report the duration on the given clock, in seconds', async () => {
    const durations: number[] = [];
    const h = harness({ completed: (_outcome: Outcome, seconds: number) => durations.push(seconds) });

    await h.invoke(serveUnaryCall(h.options, h.doubling));

    expect(durations).toEqual([0.25]);
  });

  it('should join the caller’s trace from the call metadata', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const h = harness();
      const metadata = new Metadata();
      metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');

      await h.invoke(serveUnaryCall(h.options, h.doubling), h.call(1, metadata));

      const [span] = h.exporter.getFinishedSpans();
      expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    } finally {
      propagation.disable();
    }
  });
});
