import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C traceparent of the active span, if any: stored on the envelope by the producer. */
export function activeTraceparent(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) {
    return undefined;
  }
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.traceFlags.toString(16).padStart(2, '0')}`;
}

export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const m = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!m) {
    return undefined;
  }
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
}

/**
 * Runs `fn` in a new root span that *links* to the producing span: the job is caused by the request but
 * is not part of its latency, so it must not become a child that outlives its parent.
 */
export async function inLinkedSpan<T>(
  name: string,
  traceparent: string | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const producer = spanContextOf(traceparent);
  const links: Link[] = producer ? [{ context: producer }] : [];
  const tracer = trace.getTracer('@foryou/async-work');
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.CONSUMER, root: true, links, attributes },
    ROOT_CONTEXT,
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
