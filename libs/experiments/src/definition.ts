/**
 * The schema of one `experiments/<key>.yaml` file (README.md "Definition schema" documents every field).
 * Checks that need only one file live here, at the narrowest schema that can see them, so that one
 * broken field does not hide the problems of its siblings. Checks across files live in `invariants.ts`.
 */
import { z } from 'zod';
import { KeySchema, OutcomeEventTypeSchema } from './events';
import { BUCKETS } from './hash';
import { flattenParams, ParamOverridesSchema } from './params';

export const DEFINITION_SCHEMA_VERSION = 'experiment-v1';

/** The variant every experiment must have: the production behaviour, and the fallback of every kill. */
export const CONTROL = 'control';

/** Percentages with at most two decimals (one bucket = 0.01%). */
function percentSchema(min: number, max: number) {
  return z
    .number()
    .refine((p) => p > min && p <= max, { message: `a percentage in (${min}, ${max}]` })
    .refine((p) => Math.abs(p * 100 - Math.round(p * 100)) < 1e-9, {
      message: 'at most two decimals (one bucket is 0.01%)',
    });
}

export const ExperimentStatusSchema = z.enum(['draft', 'running', 'stopped']);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

export const LayerSchema = z.strictObject({
  key: KeySchema,
  /** The experiment's half-open range [start, end) of the layer's buckets [0, 10000). */
  range: z.tuple([z.int(), z.int()]).refine(([start, end]) => start >= 0 && end <= BUCKETS && start < end, {
    message: `a range [start, end) with 0 ≤ start < end ≤ ${BUCKETS}`,
  }),
});
export type Layer = z.infer<typeof LayerSchema>;

export const HoldoutSchema = z
  .strictObject({
    /** Percent of ALL units held out of every experiment; identical in every file when declared. */
    global: percentSchema(0, 50).optional(),
    /** Percent of units held out of every experiment of this layer; identical across the layer. */
    layer: percentSchema(0, 50).optional(),
  })
  .refine((h) => h.global !== undefined || h.layer !== undefined, {
    message: 'a holdout declares `global`, `layer` or both (omit `holdout` for none)',
  });
export type Holdout = z.infer<typeof HoldoutSchema>;

export const VariantSchema = z.strictObject({
  key: KeySchema,
  /** Share of the experiment's units; the weights of one experiment sum to 1. */
  weight: z.number().positive().max(1),
  description: z.string().optional(),
  params: ParamOverridesSchema.default({}),
});
export type Variant = z.infer<typeof VariantSchema>;

const WEIGHT_TOLERANCE = 1e-9;

export const VariantsSchema = z
  .array(VariantSchema)
  .min(2, 'an experiment has at least two variants')
  .superRefine((variants, ctx) => {
    const seen = new Map<string, number>();
    variants.forEach((v, i) => {
      const first = seen.get(v.key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'key'],
          message: `duplicate variant key "${v.key}" (also variants[${first}])`,
        });
      } else {
        seen.set(v.key, i);
      }
    });
    const controlIndex = variants.findIndex((v) => v.key === CONTROL);
    if (controlIndex < 0) {
      ctx.addIssue({ code: 'custom', path: [], message: `a "${CONTROL}" variant is required` });
    }
    const total = variants.reduce((a, v) => a + v.weight, 0);
    if (Math.abs(total - 1) > WEIGHT_TOLERANCE) {
      ctx.addIssue({ code: 'custom', path: [], message: `variant weights must sum to 1 (got ${total})` });
    }
    const control = variants[controlIndex];
    if (control) {
      // Control pins every param path any variant overrides: units outside the experiment get control's
      // overrides, so the baseline must be explicit for each path the experiment touches.
      const controlPaths = new Set(flattenParams(control.params).map((l) => l.path));
      variants.forEach((v, i) => {
        for (const leaf of flattenParams(v.params)) {
          if (!controlPaths.has(leaf.path)) {
            ctx.addIssue({
              code: 'custom',
              path: [i, 'params', ...leaf.path.split('.')],
              message: `control must also set "${leaf.path}" (control pins every overridden param)`,
            });
          }
        }
      });
    }
  });

export const EligibilitySchema = z
  .strictObject({
    /** The viewer must exist in the user store (home-mixer's `viewerKnown`). */
    known_viewer: z.boolean().optional(),
    /** Account age in days at request time; an unknown creation time fails the predicate. */
    min_account_age_days: z.number().nonnegative().optional(),
    max_account_age_days: z.number().positive().optional(),
    /** Surfaces the experiment runs on; absent = all. */
    surfaces: z
      .array(z.enum(['for_you']))
      .min(1)
      .optional(),
  })
  .refine(
    (e) =>
      e.min_account_age_days === undefined ||
      e.max_account_age_days === undefined ||
      e.min_account_age_days < e.max_account_age_days,
    { message: 'min_account_age_days must be below max_account_age_days', path: ['max_account_age_days'] },
  );
export type Eligibility = z.infer<typeof EligibilitySchema>;

export const TriggerSchema = z
  .strictObject({
    /** Every exposure is triggered (A/A tests, or changes that act on every request). */
    always: z.literal(true).optional(),
    /** Triggered when the request's out-of-network candidate count is below N. */
    out_of_network_supply_below: z.int().positive().optional(),
    /** Triggered when the viewer engaged with at least N distinct authors recently. */
    min_recent_engaged_authors: z.int().positive().optional(),
    description: z.string().optional(),
  })
  .superRefine((t, ctx) => {
    const predicates = [t.out_of_network_supply_below, t.min_recent_engaged_authors].filter(
      (p) => p !== undefined,
    );
    if (t.always === true && predicates.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['always'],
        message: '`always` excludes every other trigger predicate',
      });
    }
    if (t.always === undefined && predicates.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a trigger needs `always: true` or at least one predicate',
      });
    }
  });
export type Trigger = z.infer<typeof TriggerSchema>;

/** Per-request signals the serving side records; `boolean` ones count requests where they hold. */
export const SERVING_SIGNALS = {
  latency_ms: 'numeric',
  items_returned: 'numeric',
  empty_feed: 'boolean',
  short_feed: 'boolean',
} as const;
export type ServingSignal = keyof typeof SERVING_SIGNALS;
const ServingSignalSchema = z.enum(Object.keys(SERVING_SIGNALS) as [ServingSignal, ...ServingSignal[]]);

/** Aligned with `GuardrailDirection` of `@foryou/experiments-stats`. */
export const DirectionSchema = z.enum(['higher-is-better', 'lower-is-better']);
export type Direction = z.infer<typeof DirectionSchema>;

const metricShape = {
  key: KeySchema,
  description: z.string().min(1),
  direction: DirectionSchema,
  /** `outcomes`: OutcomeEvents attributed to exposures; `serving`: what home-mixer recorded per request. */
  source: z.enum(['outcomes', 'serving']),
  /** source=outcomes: the event types in the numerator. */
  events: z.array(OutcomeEventTypeSchema).min(1).optional(),
  /** source=serving: the per-request signal. */
  signal: ServingSignalSchema.optional(),
  /** count: events (or requests where a boolean signal holds); sum: Σ value; quantile: of a numeric signal. */
  aggregate: z.enum(['count', 'sum', 'quantile']),
  /** aggregate=quantile: which one, in (0, 1). */
  quantile: z.number().gt(0).lt(1).optional(),
  /** count/sum: per exposure (a ratio metric, delta method per unit) or per unit (a mean). */
  denominator: z.enum(['exposures', 'units']).optional(),
};

interface MetricFields {
  source: 'outcomes' | 'serving';
  events?: readonly string[] | undefined;
  signal?: ServingSignal | undefined;
  aggregate: 'count' | 'sum' | 'quantile';
  quantile?: number | undefined;
  denominator?: 'exposures' | 'units' | undefined;
}

function checkMetric(m: MetricFields, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string): void =>
    ctx.addIssue({ code: 'custom', path: [path], message });
  if (m.source === 'outcomes') {
    if (m.events === undefined) {
      issue('events', 'source "outcomes" needs `events`');
    } else if (new Set(m.events).size !== m.events.length) {
      issue('events', 'duplicate event type');
    }
    if (m.signal !== undefined) {
      issue('signal', '`signal` is for source "serving"');
    }
    if (m.aggregate === 'quantile') {
      issue('aggregate', 'quantiles are computed over serving signals only');
    }
  } else {
    if (m.signal === undefined) {
      issue('signal', 'source "serving" needs `signal`');
    }
    if (m.events !== undefined) {
      issue('events', '`events` is for source "outcomes"');
    }
    const kind = m.signal === undefined ? undefined : SERVING_SIGNALS[m.signal];
    if (kind === 'boolean' && m.aggregate !== 'count') {
      issue('aggregate', `signal "${m.signal}" is boolean: use aggregate "count"`);
    }
    if (kind === 'numeric' && m.aggregate === 'count') {
      issue('aggregate', `signal "${m.signal}" is numeric: use "sum" or "quantile"`);
    }
  }
  if (m.aggregate === 'quantile') {
    if (m.quantile === undefined) {
      issue('quantile', 'aggregate "quantile" needs `quantile`');
    }
    if (m.denominator !== undefined) {
      issue('denominator', 'a quantile has no denominator');
    }
  } else {
    if (m.denominator === undefined) {
      issue('denominator', `aggregate "${m.aggregate}" needs \`denominator\` (exposures or units)`);
    }
    if (m.quantile !== undefined) {
      issue('quantile', '`quantile` is for aggregate "quantile"');
    }
  }
}

export const MetricSchema = z.strictObject(metricShape).superRefine(checkMetric);
export type Metric = z.infer<typeof MetricSchema>;

export const GuardrailSchema = z
  .strictObject({
    ...metricShape,
    /** Scale of margin/warning/critical: `relative` (fraction of control, 0.02 = 2%) or `absolute`. */
    scale: z.enum(['absolute', 'relative']),
    /** Non-inferiority margin for the ship decision: the CI must lie on the good side of −margin. */
    margin: z.number().nonnegative(),
    /** Degradation the data must prove (CI wholly beyond it) to hold the ramp. */
    warning: z.number().nonnegative(),
    /** Degradation the data must prove to trigger `kill_switch.on_guardrail_critical`. */
    critical: z.number().nonnegative(),
  })
  .superRefine((g, ctx) => {
    checkMetric(g, ctx);
    if (g.warning > g.critical) {
      ctx.addIssue({ code: 'custom', path: ['warning'], message: 'warning must not exceed critical' });
    }
  });
export type Guardrail = z.infer<typeof GuardrailSchema>;

export const RampGatesSchema = z.strictObject({
  /** Minimum time at this step before advancing (cache TTLs, event delay, daily cycle). */
  min_duration_hours: z.number().nonnegative(),
  /** The SRM check must not be flagged. */
  no_srm: z.boolean().default(true),
  /** No guardrail at warning or critical. */
  no_guardrail_breach: z.boolean().default(true),
  /** Every arm has at least this many analysed units. */
  min_units_per_arm: z.int().positive().optional(),
});
export type RampGates = z.infer<typeof RampGatesSchema>;

export const RampStepSchema = z.strictObject({
  /** Share of the experiment's population (eligible, in range, not held out) that is analysed. */
  percent: percentSchema(0, 100),
  /** What must hold at this step before advancing to the next one. */
  gates: RampGatesSchema,
});
export type RampStep = z.infer<typeof RampStepSchema>;

export const RampSchema = z
  .strictObject({
    /** Index into `steps` of the step being served. */
    current_step: z.int().nonnegative(),
    steps: z.array(RampStepSchema).min(1),
  })
  .superRefine((r, ctx) => {
    r.steps.forEach((s, i) => {
      const prev = r.steps[i - 1];
      if (prev && s.percent <= prev.percent) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'percent'],
          message: 'ramp percentages must increase',
        });
      }
    });
    if (r.current_step >= r.steps.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['current_step'],
        message: `current_step ${r.current_step} is beyond the ${r.steps.length} step(s)`,
      });
    }
  });
export type Ramp = z.infer<typeof RampSchema>;

export const KillSwitchPolicySchema = z.strictObject({
  on_srm: z.enum(['hold', 'kill', 'warn']),
  on_guardrail_critical: z.enum(['kill', 'hold']),
});
export type KillSwitchPolicy = z.infer<typeof KillSwitchPolicySchema>;

/** Names and defaults follow `@foryou/experiments-stats` (srmTest threshold, mSPRT N*). */
export const AnalysisSchema = z.strictObject({
  alpha: z.number().gt(0).lt(1).default(0.05),
  srm_threshold: z.number().gt(0).lt(1).default(0.001),
  sequential: z
    .strictObject({
      method: z.literal('msprt').default('msprt'),
      n_star: z.number().positive().default(5000),
    })
    .default({ method: 'msprt', n_star: 5000 }),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

export const ExperimentDefinitionSchema = z
  .strictObject({
    schema_version: z.literal(DEFINITION_SCHEMA_VERSION),
    key: KeySchema,
    hypothesis: z.string().min(1),
    owner: z.string().min(1),
    unit: z.literal('viewer'),
    status: ExperimentStatusSchema,
    /** Salt of the variant hash; unique across experiments; `__` is reserved for layers and holdouts. */
    seed: z
      .string()
      .min(1)
      .refine((s) => !s.startsWith('__'), { message: 'seeds starting with "__" are reserved' }),
    hash_version: z.literal(2),
    eligibility_version: z.int().min(1),
    layer: LayerSchema,
    holdout: HoldoutSchema.optional(),
    variants: VariantsSchema,
    eligibility: EligibilitySchema.default({}),
    trigger: TriggerSchema,
    primary_metric: MetricSchema,
    secondary_metrics: z.array(MetricSchema).default([]),
    guardrails: z.array(GuardrailSchema).default([]),
    attribution_window_hours: z
      .number()
      .positive()
      .max(24 * 30),
    minimum_sample_per_arm: z.int().positive(),
    ramp: RampSchema,
    kill_switch: KillSwitchPolicySchema,
    analysis: AnalysisSchema.default({
      alpha: 0.05,
      srm_threshold: 0.001,
      sequential: { method: 'msprt', n_star: 5000 },
    }),
  })
  .superRefine((d, ctx) => {
    const seen = new Map<string, string>();
    const check = (key: string, path: (string | number)[]): void => {
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'key'],
          message: `metric key "${key}" is already used by ${first}`,
        });
      } else {
        seen.set(
          key,
          path
            .map((seg) => (typeof seg === 'number' ? `[${seg}]` : `.${seg}`))
            .join('')
            .slice(1),
        );
      }
    };
    check(d.primary_metric.key, ['primary_metric']);
    d.secondary_metrics.forEach((m, i) => check(m.key, ['secondary_metrics', i]));
    d.guardrails.forEach((g, i) => check(g.key, ['guardrails', i]));
  });

/** A validated definition (the parsed YAML, defaults filled in). */
export type ExperimentDefinition = z.infer<typeof ExperimentDefinitionSchema>;
