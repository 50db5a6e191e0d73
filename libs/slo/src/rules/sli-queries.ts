import type { MetricCatalog } from '../catalog/catalog';
import type { LatencySli, Slo } from '../spec/schema';

export const WINDOW_TEMPLATE = /\{\{\s*\.window\s*\}\}/g;

export class SliError extends Error {
  override readonly name = 'SliError';
}

/** An SLI as two PromQL templates over `{{.window}}`: bad events per second and valid events per second. */
export interface SliQueries {
  readonly error: string;
  readonly total: string;
}

/**
 * A matcher for one `le` boundary that works before and after Prometheus 3 normalises classic
 * histogram `le` values to floats (prom-client emits `le="1"`, Prometheus 3 stores `le="1.0"`).
 * Dots are matched with `[.]` so the regex needs no escaping inside PromQL or YAML.
 */
export function leMatcher(threshold: number): string {
  const text = String(threshold);
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new SliError(`threshold ${threshold} cannot be written as a plain decimal le value`);
  }
  const pattern = text.includes('.') ? text.replace('.', '[.]') : `${text}([.]0)?`;
  return `le=~"${pattern}"`;
}

function selector(base: string, extra?: string): string {
  const parts = [base, extra].filter((p): p is string => p !== undefined && p.trim() !== '');
  return `{${parts.join(',')}}`;
}

/** Error and total queries of a latency SLI: bad = count − bucket(le = threshold) (+ extra errors). */
export function latencyQueries(sli: LatencySli): SliQueries {
  const count = `sum(rate(${sli.histogram}_count${selector(sli.selector)}[{{.window}}]))`;
  const good = `sum(rate(${sli.histogram}_bucket${selector(sli.selector, leMatcher(sli.threshold_seconds))}[{{.window}}]))`;
  if (sli.extra_errors_query === undefined) {
    return { error: `(${count} - ${good})`, total: count };
  }
  const extra = `(${sli.extra_errors_query} or vector(0))`;
  return { error: `(${count} - ${good}) + ${extra}`, total: `(${count} + ${extra})` };
}

/**
 * The SLI of an SLO as query templates. An events error query is completed with `or vector(0)`:
 * a counter that never saw a bad event has no series, and the ratio must still be 0, not absent.
 */
export function sliQueries(slo: Slo): SliQueries {
  if (slo.sli.latency) {
    return latencyQueries(slo.sli.latency);
  }
  const events = slo.sli.events!;
  return { error: `(${events.error_query.trim()}) or vector(0)`, total: events.total_query.trim() };
}

/** Fills `{{.window}}` with a concrete range. */
export function atWindow(template: string, window: string): string {
  return template.replace(WINDOW_TEMPLATE, window);
}

/** The job an SLI selector pins with `job="…"`, if it does (then only that job's catalog counts). */
export function selectedJob(selector: string): string | undefined {
  return /(?:^|[\s,{])job\s*=\s*"([^"]+)"/.exec(selector)?.[1];
}

/**
 * Refuses a latency SLI whose threshold is not a bucket boundary of its histogram (the good-event count
 * would otherwise be silently wrong). Returns a TODO line when the histogram's job is still pending.
 */
export function checkLatencyThreshold(slo: Slo, catalog: MetricCatalog): string | null {
  const sli = slo.sli.latency;
  if (!sli) {
    return null;
  }
  const job = selectedJob(sli.selector);
  const found = catalog.metric(sli.histogram, job);
  if (!found) {
    throw new SliError(
      job === undefined
        ? `${slo.name}: histogram ${sli.histogram} is in no metric catalog (slo/metrics/*.yaml)`
        : `${slo.name}: histogram ${sli.histogram} is not in the metric catalog of job '${job}' (slo/metrics/${job}.yaml)`,
    );
  }
  if (found.metric.type !== 'histogram') {
    throw new SliError(`${slo.name}: ${sli.histogram} is a ${found.metric.type}, not a histogram`);
  }
  const buckets = found.metric.buckets ?? [];
  if (!buckets.includes(sli.threshold_seconds)) {
    throw new SliError(
      `${slo.name}: threshold ${sli.threshold_seconds}s is not a bucket boundary of ${sli.histogram} ` +
        `(buckets: ${buckets.join(', ') || 'none known'}); pick one of them or add the bucket to the histogram`,
    );
  }
  if (found.job.status === 'pending') {
    return `${slo.name}: threshold ${sli.threshold_seconds}s matches the transcribed buckets of ${sli.histogram}, not yet a live registry — job '${found.job.job}' is pending (${found.job.todo})`;
  }
  return null;
}
