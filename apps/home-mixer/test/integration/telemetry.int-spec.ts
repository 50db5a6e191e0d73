import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { createLogger } from '@foryou/telemetry';
import { FIXTURE } from '@foryou/world';
import { startTestApp, type TestApp } from './app-harness';

/** Every label value in an exposition, exemplars excluded. */
function labelValues(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split(' # ')[0]!)
    .flatMap((l) => [...l.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!));
}

describe('home-mixer telemetry', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: Record<string, unknown>[] = [];
  let t: TestApp;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    t = await startTestApp({
      logger: createLogger({ service: 'home-mixer-test', level: 'info', destination: sink }),
    });
  });

  afterAll(async () => {
    await t.close();
  });

  /** Runs a request inside a parent span, as the HTTP instrumentation does in production. */
  async function tracedRequest(url: string, requestId: string): Promise<string> {
    const tracer = trace.getTracer('test');
    return tracer.startActiveSpan('GET /v1/feed/for-you', async (span) => {
      await t.app.inject({ method: 'GET', url, headers: { 'x-request-id': requestId } });
      span.end();
      return span.spanContext().traceId;
    });
  }

  it('should emit one span per stage and component with the pipeline structure as parent/child', async () => {
    exporter.reset();
    const traceId = await tracedRequest(
      `/v1/feed/for-you?viewer_id=${FIXTURE.viewerId}`,
      'trace-test-000001',
    );
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const one = (name: string, parent?: ReadableSpan): ReadableSpan => {
      const found = spans.filter(
        (s) => s.name === name && (!parent || s.parentSpanContext?.spanId === parent.spanContext().spanId),
      );
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0]!;
    };
    const root = one('GET /v1/feed/for-you');
    const outer = one('pipeline/for_you', root);
    const sources = one('stage/sources', outer);
    const scoredPosts = one('sources/ScoredPostsSource', sources);
    const inner = one('pipeline/scored_posts', scoredPosts);
    for (const stage of ['query_hydrators', 'sources', 'hydrators', 'filters', 'scorers', 'selector']) {
      one(`stage/${stage}`, inner);
    }
    const filters = one('stage/filters', inner);
    const safety = one('filters/SafetyFilter', filters);
    expect(safety.attributes).toMatchObject({
      'foryou.pipeline': 'scored_posts',
      'foryou.stage.kind': 'filters',
      'foryou.component': 'SafetyFilter',
      'foryou.outcome': 'ok',
      'foryou.failure_policy': 'fail_closed',
    });
    expect(outer.attributes['foryou.request.id']).toBe('trace-test-000001');
  });

  it('should log JSON lines carrying the request id, trace id and span id', async () => {
    const traceId = await tracedRequest(`/v1/feed/for-you?viewer_id=u5`, 'log-test-00000001');
    const line = logLines.find((l) => l.request_id === 'log-test-00000001' && l.msg === 'feed served');
    expect(line).toMatchObject({ trace_id: traceId, service: 'home-mixer-test', level: 30 });
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('should expose the SLI metrics in OpenMetrics with trace-id exemplars and no id in any label', async () => {
    const requestIds = ['metrics-test-0001', 'metrics-test-0002'];
    await tracedRequest(`/v1/feed/for-you?viewer_id=${FIXTURE.viewerId}`, requestIds[0]!);
    await tracedRequest('/v1/feed/for-you?viewer_id=u9', requestIds[1]!);
    await t.app.inject({ method: 'GET', url: '/v1/feed/for-you?limit=0' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });

    expect(res.headers['content-type']).toContain('application/openmetrics-text');
    const text = res.body;
    expect(text).toMatch(/^foryou_feed_requests_total\{surface="for_you",outcome="ok"\} \d+/m);
    expect(text).toMatch(/^foryou_feed_requests_total\{surface="for_you",outcome="client_error"\} 1/m);
    expect(text).toMatch(
      /^foryou_feed_request_duration_seconds_bucket\{le="0.3",surface="for_you",outcome="ok"\} \d+/m,
    );
    expect(text).toMatch(/^foryou_feed_items_returned_count\{surface="for_you"\} \d+/m);
    expect(text).toMatch(/^foryou_feed_safety_violations_total\{surface="for_you"\} 0/m);
    expect(text).toMatch(
      /foryou_feed_request_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\}/,
    );
    expect(text).toMatch(
      /^foryou_pipeline_filtered_candidates_total\{pipeline="scored_posts",component="SafetyFilter",reason="safety_unknown"\} \d+/m,
    );

    const ids = new Set<string>([
      ...requestIds,
      FIXTURE.viewerId,
      'u9',
      ...t.world.users.keys(),
      ...t.world.posts.keys(),
      ...t.world.ads.map((a) => a.id),
    ]);
    const leaked = labelValues(text).filter((v) => ids.has(v));
    expect(leaked).toEqual([]);
  });
});
