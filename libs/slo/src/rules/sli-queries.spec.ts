import { MetricCatalog } from '../catalog/catalog';
import { SloSchema, type Slo } from '../spec/schema';
import { atWindow, checkLatencyThreshold, latencyQueries, leMatcher, selectedJob } from './sli-queries';

function latencySlo(threshold: number, histogram = 'foo_seconds', selector = 'job="a"'): Slo {
  return SloSchema.parse({
    name: 'x',
    objective: 99,
    description: 'x',
    sli: { latency: { histogram, selector, threshold_seconds: threshold } },
    alerting: { name: 'XBurn', runbook: 'runbooks/XBurn.md', dashboard: 'd' },
  });
}

const catalog = new MetricCatalog([
  {
    job: 'a',
    status: 'live',
    metrics: [
      { name: 'foo_seconds', type: 'histogram', labels: [], buckets: [0.1, 0.3, 1] },
      { name: 'bar_total', type: 'counter', labels: [] },
    ],
  },
  {
    job: 'b',
    status: 'pending',
    todo: 'capture it',
    metrics: [{ name: 'baz_seconds', type: 'histogram', labels: [], buckets: [5] }],
  },
  {
    // Declares foo_seconds but never observes it (as home-mixer declares the completion histogram the
    // workers observe): no buckets known.
    job: 'c',
    status: 'live',
    metrics: [{ name: 'foo_seconds', type: 'histogram', labels: [], buckets: [] }],
  },
]);

describe('latency SLIs', () => {
  it('should match le before and after Prometheus 3 normalises it to a float', () => {
    expect(leMatcher(0.3)).toBe('le=~"0[.]3"');
    expect(leMatcher(1)).toBe('le=~"1([.]0)?"');
    expect(leMatcher(2.5)).toBe('le=~"2[.]5"');
    const re = (t: number) => new RegExp(`^(?:${/"(.*)"/.exec(leMatcher(t))![1]})$`);
    expect(['1', '1.0'].map((v) => re(1).test(v))).toEqual([true, true]);
    expect(['10', '1.5', '0.3'].map((v) => re(1).test(v))).toEqual([false, false, false]);
    expect(['0.3', '0x3', '0.35'].map((v) => re(0.3).test(v))).toEqual([true, false, false]);
  });

  it('should count bad events as count minus the threshold bucket', () => {
    const q = latencyQueries(latencySlo(0.3).sli.latency!);
    expect(atWindow(q.error, '5m')).toBe(
      '(sum(rate(foo_seconds_count{job="a"}[5m])) - sum(rate(foo_seconds_bucket{job="a",le=~"0[.]3"}[5m])))',
    );
    expect(atWindow(q.total, '1h')).toBe('sum(rate(foo_seconds_count{job="a"}[1h]))');
  });

  it('should refuse a threshold that is not a bucket boundary', () => {
    expect(checkLatencyThreshold(latencySlo(0.3), catalog)).toBeNull();
    expect(() => checkLatencyThreshold(latencySlo(0.25), catalog)).toThrow('not a bucket boundary');
    expect(() => checkLatencyThreshold(latencySlo(0.3, 'bar_total'), catalog)).toThrow('not a histogram');
    expect(() => checkLatencyThreshold(latencySlo(0.3, 'nope', ''), catalog)).toThrow('in no metric catalog');
  });

  it('should report, not pass silently, a threshold checked only against a pending catalog', () => {
    expect(checkLatencyThreshold(latencySlo(5, 'baz_seconds', 'job="b"'), catalog)).toContain('pending');
    expect(() => checkLatencyThreshold(latencySlo(4, 'baz_seconds', 'job="b"'), catalog)).toThrow(
      'not a bucket boundary',
    );
  });

  it('should check the threshold against the catalog of the job the selector pins', () => {
    expect(selectedJob('job="workers",effect="X"')).toBe('workers');
    expect(selectedJob('effect="X", job = "workers"')).toBe('workers');
    expect(selectedJob('job=~"a|c"')).toBeUndefined();
    expect(selectedJob('job!="a"')).toBeUndefined();
    expect(checkLatencyThreshold(latencySlo(0.3, 'foo_seconds', 'job="a"'), catalog)).toBeNull();
    expect(() => checkLatencyThreshold(latencySlo(0.3, 'foo_seconds', 'job="c"'), catalog)).toThrow(
      'not a bucket boundary of foo_seconds (buckets: none known)',
    );
    expect(() => checkLatencyThreshold(latencySlo(0.3, 'foo_seconds', 'job="zzz"'), catalog)).toThrow(
      "not in the metric catalog of job 'zzz'",
    );
    // No job in the selector: the first catalog that has the family.
    expect(checkLatencyThreshold(latencySlo(0.3, 'foo_seconds', 'le!=""'), catalog)).toBeNull();
  });
});
