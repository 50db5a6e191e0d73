import { trace } from '@opentelemetry/api';

/** The active trace id, if a sampled span is active; used for metric exemplars and response headers. */
export function activeTraceId(): string | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx && ctx.traceFlags & 1 ? ctx.traceId : undefined;
}
