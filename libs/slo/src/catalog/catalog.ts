import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * What each scrape job exposes. Libraries may not import apps, so the SLO generator and the lints do
 * not build the apps' registries: they read `slo/metrics/<job>.yaml`, captured from a running process
 * by `slo catalog --from <url>/metrics` (status `live`). The live e2e test re-scrapes home-mixer and
 * fails when the checked-in catalog and the real registry disagree. A job whose service does not exist
 * yet has status `pending`: its names come from the design, are reported as TODO, and bucket checks
 * against it are deferred (reported, never silently passed).
 */
export const MetricTypeSchema = z.enum(['counter', 'gauge', 'histogram', 'summary', 'unknown']);
export type MetricType = z.infer<typeof MetricTypeSchema>;

export const CatalogMetricSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
    type: MetricTypeSchema,
    labels: z.array(z.string()).default([]),
    buckets: z.array(z.number()).optional(),
  })
  .strict();
export type CatalogMetric = z.infer<typeof CatalogMetricSchema>;

export const JobCatalogSchema = z
  .object({
    job: z.string().min(1),
    status: z.enum(['live', 'pending']),
    /** For `pending`: what has to happen before it can be `live`. */
    todo: z.string().optional(),
    metrics: z.array(CatalogMetricSchema),
  })
  .strict()
  .refine((c) => c.status === 'live' || (c.todo ?? '').length > 0, {
    message: 'a pending catalog says what is left to do',
  });
export type JobCatalog = z.infer<typeof JobCatalogSchema>;

/** Series Prometheus itself produces for every job, or that rules produce. */
const BUILTIN_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

/** A resolved series name and where it comes from. */
export interface SeriesInfo {
  readonly job: string | null;
  readonly metric: CatalogMetric | null;
  readonly pending: boolean;
}

export class MetricCatalog {
  private readonly _series = new Map<string, SeriesInfo>();

  constructor(readonly jobs: readonly JobCatalog[]) {
    for (const name of BUILTIN_SERIES) {
      this._series.set(name, { job: null, metric: null, pending: false });
    }
    for (const job of jobs) {
      for (const metric of job.metrics) {
        const info = { job: job.job, metric, pending: job.status === 'pending' };
        for (const series of seriesNames(metric)) {
          // A live capture wins over a transcribed (pending) entry of the same name.
          if (!this._series.has(series) || this._series.get(series)!.pending) {
            this._series.set(series, info);
          }
        }
      }
    }
  }

  /** The series (e.g. `foo_bucket`) if any job exposes it, else undefined. */
  series(name: string): SeriesInfo | undefined {
    return this._series.get(name);
  }

  /**
   * The metric family by its base name (histograms without suffix), from `job`'s catalog when given,
   * else from the first job that has it. Several jobs can expose one family (home-mixer declares
   * foryou_side_effect_completion_seconds but only the workers observe it), so an SLI that selects a job
   * is checked against that job's buckets.
   */
  metric(name: string, job?: string): { job: JobCatalog; metric: CatalogMetric } | undefined {
    for (const candidate of this.jobs.filter((j) => job === undefined || j.job === job)) {
      const metric = candidate.metrics.find((m) => m.name === name);
      if (metric) {
        return { job: candidate, metric };
      }
    }
    return undefined;
  }

  pendingJobs(): JobCatalog[] {
    return this.jobs.filter((j) => j.status === 'pending');
  }
}

/** The sample names a family produces in Prometheus. */
export function seriesNames(metric: CatalogMetric): string[] {
  switch (metric.type) {
    case 'histogram':
      return [`${metric.name}_bucket`, `${metric.name}_count`, `${metric.name}_sum`];
    case 'summary':
      return [metric.name, `${metric.name}_count`, `${metric.name}_sum`];
    case 'counter':
    case 'gauge':
    case 'unknown':
      return [metric.name];
  }
}

/** Reads and validates one `slo/metrics/<job>.yaml`. */
export function readJobCatalog(file: string): JobCatalog {
  const parsed = JobCatalogSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

export function loadCatalog(dir: string): MetricCatalog {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return new MetricCatalog(files.map((f) => readJobCatalog(join(dir, f))));
}

/**
 * Builds a job catalog from a Prometheus or OpenMetrics text exposition: families from `# TYPE`,
 * label names and histogram buckets from the samples. Counters are named as Prometheus stores them
 * (`…_total`), whichever format declared the family.
 */
export function catalogFromExposition(job: string, text: string): JobCatalog {
  const families = new Map<string, { type: MetricType; labels: Set<string>; buckets: Set<number> }>();
  const lines = text.split('\n');
  for (const line of lines) {
    const m = /^# TYPE (\S+) (\S+)/.exec(line);
    if (m) {
      const type = MetricTypeSchema.safeParse(m[2]).success ? (m[2] as MetricType) : 'unknown';
      const name = type === 'counter' && !m[1]!.endsWith('_total') ? `${m[1]}_total` : m[1]!;
      families.set(name, { type, labels: new Set(), buckets: new Set() });
    }
  }
  for (const line of lines) {
    if (line.startsWith('#') || line.trim() === '') {
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!m) {
      continue;
    }
    const sample = m[1]!;
    const family =
      families.get(sample) ??
      families.get(sample.replace(/_(bucket|count|sum|created)$/, '')) ??
      families.get(sample.replace(/_created$/, '_total'));
    if (!family) {
      continue;
    }
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const [, label, value] = pair;
      if (label === 'le' && sample.endsWith('_bucket')) {
        if (value !== '+Inf') {
          family.buckets.add(Number(value));
        }
      } else if (label !== 'quantile') {
        family.labels.add(label!);
      }
    }
  }
  return {
    job,
    status: 'live',
    metrics: [...families.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => ({
        name,
        type: f.type,
        labels: [...f.labels].sort(),
        ...(f.type === 'histogram' ? { buckets: [...f.buckets].sort((a, b) => a - b) } : {}),
      })),
  };
}
