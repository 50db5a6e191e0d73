import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createOpenMetricsRegistry } from '@foryou/telemetry';
import { PipelineRunner } from '../runner/pipeline-runner';
import { definition, dropIds, failingSource, query, staticSource } from '../testing/fixtures';
import { SystemClock } from '../time/clock';
import { Deadline } from '../time/deadline';
import { PromPipelineMetrics } from './pipeline-metrics';

describe('pipeline telemetry', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const clock = new SystemClock();

  afterEach(() => exporter.reset());

  it('should emit pipeline → stage → component spans with bounded attributes', async () => {
    const sut = new PipelineRunner({ clock, tracer: provider.getTracer('test') });
    await sut.run(
      definition({
        sources: [staticSource('Good', ['a']), failingSource('Bad')],
        filters: [dropIds('Drop', ['a'])],
      }),
      query(),
      { deadline: Deadline.after(clock, 1_000) },
    );
    const spans = exporter.getFinishedSpans();
    const byName = (n: string) => spans.find((s) => s.name === n)!;
    const root = byName('pipeline/test');
    const sources = byName('stage/sources');
    const bad = byName('sources/Bad');
    expect(root.parentSpanContext).toBeUndefined();
    expect(sources.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(bad.parentSpanContext?.spanId).toBe(sources.spanContext().spanId);
    expect(byName('filters/Drop').parentSpanContext?.spanId).toBe(
      byName('stage/filters').spanContext().spanId,
    );
    expect(bad.attributes['foryou.outcome']).toBe('error');
    expect(bad.attributes['foryou.error.kind']).toBe('dependency_unavailable');
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('should count stage, component, removal and alignment metrics without any id label', async () => {
    const registry = createOpenMetricsRegistry();
    const sut = new PipelineRunner({ clock, metrics: new PromPipelineMetrics(registry) });
    await sut.run(
      definition({
        sources: [staticSource('Good', ['a', 'b']), failingSource('Bad')],
        filters: [dropIds('Drop', ['a'], 'blocked')],
      }),
      query({ requestId: 'req-secret-id', userId: 'user-secret-id' }),
      { deadline: Deadline.after(clock, 1_000) },
    );
    const text = await registry.metrics();
    expect(text).toContain(
      'foryou_pipeline_filtered_candidates_total{pipeline="test",component="Drop",reason="blocked"} 1',
    );
    expect(text).toMatch(
      /foryou_pipeline_component_outcomes_total\{[^}]*component="Bad",outcome="error",error_kind="dependency_unavailable"\} 1/,
    );
    expect(text).toContain(
      'foryou_pipeline_stage_duration_seconds_count{pipeline="test",stage="sources",status="degraded"} 1',
    );
    expect(text).not.toMatch(/secret-id/);
  });
});
