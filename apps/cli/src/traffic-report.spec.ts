import type { TrafficResult } from './http-traffic';
import { errorRate, formatOutcomes, formatTrafficReport } from './traffic-report';

function result(overrides: Partial<TrafficResult> = {}): TrafficResult {
  return {
    planned: 4,
    sent: 4,
    completed: 4,
    ok: 3,
    outcomes: new Map([
      ['200', 3],
      ['503', 1],
    ]),
    badBodies: 0,
    feeds: 3,
    emptyFeeds: 1,
    itemsReturned: 40,
    latenciesMs: [10, 20, 30, 40],
    elapsedMs: 2000,
    stoppedBy: 'requests',
    maxScheduleLagMs: 0,
    ...overrides,
  };
}

describe('errorRate', () => {
  it('is the share of finished requests without a feed', () => {
    expect(errorRate(result())).toBe(0.25);
  });

  it('leaves cancelled requests out', () => {
    const outcomes = new Map([
      ['200', 3],
      ['cancelled', 1],
    ]);
    expect(errorRate({ completed: 4, ok: 3, outcomes })).toBe(0);
  });

  it('is 1 when nothing finished', () => {
    expect(errorRate({ completed: 0, ok: 0, outcomes: new Map() })).toBe(1);
  });
});

describe('formatOutcomes', () => {
  it('orders by count, then key', () => {
    expect(
      formatOutcomes(
        new Map([
          ['timeout', 2],
          ['503', 2],
          ['200', 9],
        ]),
      ),
    ).toBe('200 ×9 · 503 ×2 · timeout ×2');
    expect(formatOutcomes(new Map())).toBe('none');
  });
});

describe('formatTrafficReport', () => {
  it('shows counts, nearest-rank latency percentiles, feeds and the verdict', () => {
    const text = formatTrafficReport('http://127.0.0.1:8080/', result(), 0.5);
    expect(text).toContain('4 sent, 4 completed in 2.00 s (2.0 req/s)');
    expect(text).toContain('200 ×3 · 503 ×1');
    expect(text).toContain('p50 20.0 · p95 40.0 · p99 40.0 · max 40.0 · mean 25.0 (n=4)');
    expect(text).toContain('3 served, 13.3 items on average, 1 empty');
    expect(text).toContain('25.00% (max 50.00%) OK');
    expect(text).not.toContain('schedule');
  });

  it('fails over the error budget and says when the rate could not be held', () => {
    const text = formatTrafficReport(
      'http://x/',
      result({ maxScheduleLagMs: 250, stoppedBy: 'duration' }),
      0.01,
    );
    expect(text).toContain('25.00% (max 1.00%) FAIL');
    expect(text).toContain('fell behind the rate by up to 250.0 ms');
    expect(text).toContain('duration reached');
  });

  it('copes with a run without responses', () => {
    const text = formatTrafficReport(
      'http://x/',
      result({ completed: 2, ok: 0, feeds: 0, latenciesMs: [], outcomes: new Map([['network', 2]]) }),
      0,
    );
    expect(text).toContain('no responses');
    expect(text).toContain('network ×2');
    expect(text).toContain('100.00% (max 0.00%) FAIL');
  });
});
