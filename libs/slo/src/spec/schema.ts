import { z } from 'zod';
import { parseDuration } from './duration';

/**
 * The SLO spec: Sloth's `prometheus/v1` shape (service, labels, slos[] with objective, sli.events and
 * alerting.page_alert/ticket_alert) plus foryou extensions, all marked below:
 *  - `sli.latency`: a classic-histogram latency SLI; its threshold must be an existing bucket boundary
 *    (checked against the metric catalog) and `le` is matched Prometheus-3-safely;
 *  - `alerting.runbook` / `alerting.dashboard`: required, checked to exist;
 *  - `alerting.min_events`: optional minimum-traffic guard on every burn-rate pair;
 *  - `alerting.absent_alert`: the no-data alert's `for` and severity;
 *  - `test_series`: how generated promtool tests drive raw counters (required for an `events` SLI;
 *    optional for a latency SLI, whose default is count = all and bucket(threshold) = good).
 */

const LabelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');
const Labels = z.record(LabelName, z.string()).default({});
const Annotations = z.record(z.string(), z.string()).default({});
const Duration = z.string().refine(
  (s) => {
    try {
      parseDuration(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a duration such as 30s, 5m, 1h or 3d' },
);
const WINDOW_TEMPLATE = '{{.window}}';
const WindowedQuery = z
  .string()
  .min(1)
  .refine((q) => q.includes(WINDOW_TEMPLATE), { message: `must use ${WINDOW_TEMPLATE} as the range` });

/** Sloth `sli.events`: error and total event rates, each aggregated to a single series. */
export const EventsSliSchema = z.object({ error_query: WindowedQuery, total_query: WindowedQuery }).strict();

/** foryou extension: latency over a classic histogram (good = observations ≤ threshold). */
export const LatencySliSchema = z
  .object({
    /** The histogram's base name (without _bucket/_count). */
    histogram: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
    /** Label matchers inside `{}` (without braces), e.g. `job="home-mixer",outcome!="client_error"`. */
    selector: z.string().default(''),
    /** Must be one of the histogram's bucket boundaries (the generator refuses otherwise). */
    threshold_seconds: z.number().positive(),
    /** Bad events that never reach the histogram (e.g. failed side effects), with {{.window}}. */
    extra_errors_query: WindowedQuery.optional(),
  })
  .strict();

export const SliSchema = z
  .object({ events: EventsSliSchema.optional(), latency: LatencySliSchema.optional() })
  .strict()
  .refine((s) => (s.events === undefined) !== (s.latency === undefined), {
    message: 'an SLI is exactly one of events or latency',
  });

const SeverityAlertSchema = z
  .object({
    disable: z.boolean().default(false),
    labels: Labels,
    annotations: Annotations,
  })
  .strict();

export const AlertingSchema = z
  .object({
    /** PascalCase alert name shared by the page and ticket alerts (as in Sloth). */
    name: z.string().regex(/^[A-Z][A-Za-z0-9]+$/, 'PascalCase alert name'),
    labels: Labels,
    annotations: Annotations,
    page_alert: SeverityAlertSchema.default({ disable: false, labels: {}, annotations: {} }),
    ticket_alert: SeverityAlertSchema.default({ disable: false, labels: {}, annotations: {} }),
    /** foryou extension (required): repository path of the runbook, `runbooks/<name>.md`. */
    runbook: z.string().regex(/^runbooks\/[A-Za-z0-9]+\.md$/),
    /** foryou extension (required): uid of the Grafana dashboard to open first. */
    dashboard: z.string().regex(/^[a-z0-9-]+$/),
    /** foryou extension: no burn-rate pair fires with fewer events than this in its long window. */
    min_events: z.number().int().positive().optional(),
    /** foryou extension: the SLI has no data (metric missing or target down) for this long. */
    absent_alert: z
      .object({ for: Duration.default('10m'), severity: z.enum(['page', 'ticket']).default('ticket') })
      .strict()
      .default({ for: '10m', severity: 'ticket' }),
  })
  .strict();

/** foryou extension: one raw series the generated tests drive, and which events it counts. */
export const TestSeriesSchema = z
  .object({
    series: z.string().min(1),
    /** good: good events · bad: bad events · all: every valid event · ignored: not valid (must not count). */
    counts: z.enum(['good', 'bad', 'all', 'ignored']),
    /**
     * The fraction of those events this series carries (default 1), for events split across several
     * series: e.g. bad events that are either a failed job (workers) or a rejected outbox commit
     * (home-mixer) — `share: 0.5` on each. The SLI must add the series up for the tests to pass.
     */
    share: z.number().gt(0).lte(1).optional(),
  })
  .strict();

export const SloSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case SLO name'),
    objective: z.number().gt(0).lt(100),
    description: z.string().min(1),
    labels: Labels,
    sli: SliSchema,
    alerting: AlertingSchema,
    test_series: z.array(TestSeriesSchema).optional(),
  })
  .strict()
  .refine((s) => s.sli.latency !== undefined || (s.test_series?.length ?? 0) > 0, {
    message: 'an events SLI needs test_series so the generated promtool tests can drive its raw counters',
  });

export const SloSpecSchema = z
  .object({
    version: z.literal('prometheus/v1'),
    service: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    labels: Labels,
    slos: z.array(SloSchema).min(1),
  })
  .strict();

export type SloSpec = z.infer<typeof SloSpecSchema>;
export type Slo = z.infer<typeof SloSchema>;
export type LatencySli = z.infer<typeof LatencySliSchema>;
export type EventsSli = z.infer<typeof EventsSliSchema>;
export type TestSeries = z.infer<typeof TestSeriesSchema>;
export type Severity = 'page' | 'ticket';
