import { engagementRows } from './engagement-traffic';
import type { TrafficResult } from './http-traffic';
import { summarizeLatencies } from './latency-summary';

const STOP_REASONS: Record<TrafficResult['stoppedBy'], string> = {
  requests: 'request count reached',
  duration: 'duration reached',
  signal: 'interrupted',
};

/**
 * Share of finished requests that did not return a feed (non-200, bad body, timeout, network error).
 * Requests cancelled by stopping the run are left out. Nothing finished counts as total failure, so
 * a run that measured nothing never passes.
 */
export function errorRate(result: Pick<TrafficResult, 'completed' | 'ok' | 'outcomes'>): number {
  const finished = result.completed - (result.outcomes.get('cancelled') ?? 0);
  return finished <= 0 ? 1 : (finished - result.ok) / finished;
}

/** Status and error counts, most frequent first, ties by key: `200 ×198 · 503 ×2`. */
export function formatOutcomes(outcomes: ReadonlyMap<string, number>): string {
  if (outcomes.size === 0) {
    return 'none';
  }
  return [...outcomes.entries()]
    .sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb))
    .map(([key, count]) => `${key} ×${count}`)
    .join(' · ');
}

const ms = (v: number): string => v.toFixed(1);

/** The summary table printed after a traffic run. */
export function formatTrafficReport(target: string, result: TrafficResult, maxErrorRate: number): string {
  const seconds = result.elapsedMs / 1000;
  const throughput = seconds > 0 ? result.completed / seconds : 0;
  const latency = summarizeLatencies(result.latenciesMs);
  const rate = errorRate(result);
  const rows: [string, string][] = [
    ['target', target],
    [
      'requests',
      `${result.sent} sent, ${result.completed} completed in ${seconds.toFixed(2)} s (${throughput.toFixed(1)} req/s)`,
    ],
    ['stopped', STOP_REASONS[result.stoppedBy]],
    ['outcomes', formatOutcomes(result.outcomes)],
    [
      'latency ms',
      latency === undefined
        ? 'no responses'
        : `p50 ${ms(latency.p50)} · p95 ${ms(latency.p95)} · p99 ${ms(latency.p99)} · max ${ms(latency.max)} · mean ${ms(latency.mean)} (n=${latency.count})`,
    ],
    [
      'feeds',
      result.feeds === 0
        ? `none${result.badBodies > 0 ? ` (${result.badBodies} bad bodies)` : ''}`
        : `${result.feeds} served, ${(result.itemsReturned / result.feeds).toFixed(1)} items on average, ${result.emptyFeeds} empty` +
          (result.badBodies > 0 ? `, ${result.badBodies} bad bodies` : ''),
    ],
  ];
  if (result.maxScheduleLagMs > 100) {
    rows.push([
      'schedule',
      `fell behind the rate by up to ${ms(result.maxScheduleLagMs)} ms (raise --concurrency for a steadier rate)`,
    ]);
  }
  if (result.engagement) {
    rows.push(...engagementRows(result.engagement));
  }
  rows.push([
    'error rate',
    `${(rate * 100).toFixed(2)}% (max ${(maxErrorRate * 100).toFixed(2)}%) ${rate <= maxErrorRate ? 'OK' : 'FAIL'}`,
  ]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const line = '─'.repeat(72);
  return [line, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), line].join('\n');
}
