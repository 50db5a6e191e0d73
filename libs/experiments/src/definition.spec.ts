import { ExperimentDefinitionSchema } from './definition';
import { formatPath } from './loader';
import { rawDefinition } from './testing/fixtures';

/** `[path, message]` of every issue for the definition with `overrides`. */
function issues(overrides: Record<string, unknown>): [string, string][] {
  const result = ExperimentDefinitionSchema.safeParse(rawDefinition('exp', overrides));
  return result.success ? [] : result.error.issues.map((i) => [formatPath(i.path), i.message]);
}

const metric = {
  key: 'm',
  description: 'a metric',
  direction: 'lower-is-better',
  source: 'serving',
  signal: 'latency_ms',
  aggregate: 'quantile',
  quantile: 0.99,
};

describe('ExperimentDefinitionSchema', () => {
  it('accepts the minimal definition and fills the defaults', () => {
    const d = ExperimentDefinitionSchema.parse(rawDefinition('exp'));
    expect(d.eligibility).toEqual({});
    expect(d.secondary_metrics).toEqual([]);
    expect(d.guardrails).toEqual([]);
    expect(d.analysis).toEqual({
      alpha: 0.05,
      srm_threshold: 0.001,
      sequential: { method: 'msprt', n_star: 5000 },
    });
    expect(d.ramp.steps[0]!.gates).toEqual({
      min_duration_hours: 0,
      no_srm: true,
      no_guardrail_breach: true,
    });
  });

  it('rejects unknown fields (typos) at any depth', () => {
    expect(issues({ hypotesis: 'x' })).toEqual([['', 'Unrecognized key: "hypotesis"']]);
    expect(issues({ layer: { key: 'l', range: [0, 10], seed: 'x' } })).toEqual([
      ['layer', 'Unrecognized key: "seed"'],
    ]);
  });

  describe('variants', () => {
    const v = (key: string, weight: number, params: object = {}) => ({ key, weight, params });

    it('needs weights summing to 1', () => {
      expect(issues({ variants: [v('control', 0.5), v('b', 0.4)] })).toEqual([
        ['variants', 'variant weights must sum to 1 (got 0.9)'],
      ]);
      expect(issues({ variants: [v('control', 0.2), v('b', 0.3), v('c', 0.5)] })).toEqual([]);
    });

    it('needs a control variant and unique keys', () => {
      expect(issues({ variants: [v('a', 0.5), v('b', 0.5)] })).toEqual([
        ['variants', 'a "control" variant is required'],
      ]);
      expect(issues({ variants: [v('control', 0.5), v('control', 0.5)] })).toEqual([
        ['variants[1].key', 'duplicate variant key "control" (also variants[0])'],
      ]);
    });

    it('needs control to pin every param a variant overrides', () => {
      expect(
        issues({
          variants: [v('control', 0.5, { a: { on: false } }), v('b', 0.5, { a: { on: true, limit: 3 } })],
        }),
      ).toEqual([
        [
          'variants[1].params.a.limit',
          'control must also set "a.limit" (control pins every overridden param)',
        ],
      ]);
    });

    it('needs identifier param keys and non-empty override objects', () => {
      const bad = issues({
        variants: [v('control', 0.5, { 'a.b': 1, c: {} }), v('b', 0.5, { 'a.b': 1, c: {} })],
      });
      expect(bad).toEqual(
        expect.arrayContaining([
          ['variants[0].params.a.b', expect.stringContaining('identifiers')],
          ['variants[0].params.c', 'an override object may not be empty'],
        ]),
      );
    });
  });

  it('bounds layer ranges to [0, 10000) with start < end', () => {
    expect(issues({ layer: { key: 'l', range: [10, 10] } })).toEqual([
      ['layer.range', 'a range [start, end) with 0 ≤ start < end ≤ 10000'],
    ]);
    expect(issues({ layer: { key: 'l', range: [0, 10001] } })).toHaveLength(1);
    expect(issues({ layer: { key: 'l', range: [0.5, 10] } })).toHaveLength(1);
  });

  it('checks holdout percentages (two decimals, ≤ 50) and requires one of global/layer', () => {
    expect(issues({ holdout: { global: 5.5 } })).toEqual([]);
    expect(issues({ holdout: { global: 0.001 } })).toEqual([
      ['holdout.global', 'at most two decimals (one bucket is 0.01%)'],
    ]);
    expect(issues({ holdout: { layer: 60 } })).toEqual([['holdout.layer', 'a percentage in (0, 50]']]);
    expect(issues({ holdout: {} })).toHaveLength(1);
  });

  it('reserves seeds starting with "__" and pins hash_version 2', () => {
    expect(issues({ seed: '__layer:x' })).toEqual([['seed', 'seeds starting with "__" are reserved']]);
    expect(issues({ hash_version: 1 })).toHaveLength(1);
  });

  it('checks the trigger: `always` alone, or at least one predicate', () => {
    expect(issues({ trigger: { out_of_network_supply_below: 100, min_recent_engaged_authors: 1 } })).toEqual(
      [],
    );
    expect(issues({ trigger: { always: true, out_of_network_supply_below: 100 } })).toEqual([
      ['trigger.always', '`always` excludes every other trigger predicate'],
    ]);
    expect(issues({ trigger: {} })).toEqual([
      ['trigger', 'a trigger needs `always: true` or at least one predicate'],
    ]);
    expect(issues({ trigger: { out_of_network_supply_below: 0 } })).toHaveLength(1);
  });

  it('checks eligibility bounds', () => {
    expect(issues({ eligibility: { min_account_age_days: 30, max_account_age_days: 7 } })).toEqual([
      ['eligibility.max_account_age_days', 'min_account_age_days must be below max_account_age_days'],
    ]);
    expect(issues({ eligibility: { surfaces: ['search'] } })).toHaveLength(1);
  });

  describe('metrics', () => {
    it('ties fields to the source and aggregate', () => {
      expect(issues({ primary_metric: { ...metric, quantile: undefined } })).toEqual([
        ['primary_metric.quantile', 'aggregate "quantile" needs `quantile`'],
      ]);
      expect(issues({ primary_metric: { ...metric, signal: 'empty_feed' } })).toEqual([
        ['primary_metric.aggregate', 'signal "empty_feed" is boolean: use aggregate "count"'],
      ]);
      expect(
        issues({
          primary_metric: {
            ...metric,
            source: 'outcomes',
            signal: undefined,
            aggregate: 'count',
            quantile: undefined,
          },
        }),
      ).toEqual([
        ['primary_metric.events', 'source "outcomes" needs `events`'],
        ['primary_metric.denominator', 'aggregate "count" needs `denominator` (exposures or units)'],
      ]);
      expect(
        issues({
          primary_metric: {
            ...metric,
            signal: 'latency_ms',
            aggregate: 'count',
            quantile: undefined,
            denominator: 'units',
          },
        }),
      ).toEqual([['primary_metric.aggregate', 'signal "latency_ms" is numeric: use "sum" or "quantile"']]);
    });

    it('needs unique metric keys across primary, secondary and guardrail metrics', () => {
      const guardrail = { ...metric, scale: 'absolute', margin: 10, warning: 15, critical: 30 };
      expect(issues({ guardrails: [guardrail] })).toEqual([]);
      expect(issues({ secondary_metrics: [{ ...metric, key: 'engagement_per_exposure' }] })).toEqual([
        [
          'secondary_metrics[0].key',
          'metric key "engagement_per_exposure" is already used by primary_metric',
        ],
      ]);
      expect(
        issues({
          secondary_metrics: [metric],
          guardrails: [{ ...metric, scale: 'absolute', margin: 1, warning: 1, critical: 2 }],
        }),
      ).toEqual([['guardrails[0].key', 'metric key "m" is already used by secondary_metrics[0]']]);
    });

    it('needs guardrail warning ≤ critical and non-negative thresholds', () => {
      const guardrail = { ...metric, scale: 'absolute', margin: 10, warning: 40, critical: 30 };
      expect(issues({ guardrails: [guardrail] })).toEqual([
        ['guardrails[0].warning', 'warning must not exceed critical'],
      ]);
      expect(issues({ guardrails: [{ ...guardrail, warning: 1, margin: -1 }] })).toHaveLength(1);
    });
  });

  it('needs increasing ramp percentages and a current step within the plan', () => {
    const step = (percent: number) => ({ percent, gates: { min_duration_hours: 1 } });
    expect(issues({ ramp: { current_step: 3, steps: [step(5), step(5), step(100)] } })).toEqual([
      ['ramp.steps[1].percent', 'ramp percentages must increase'],
      ['ramp.current_step', 'current_step 3 is beyond the 3 step(s)'],
    ]);
    expect(issues({ ramp: { current_step: 0, steps: [step(150)] } })).toHaveLength(1);
  });

  it('limits kill-switch policies to the documented actions', () => {
    expect(issues({ kill_switch: { on_srm: 'kill', on_guardrail_critical: 'warn' } })).toHaveLength(1);
  });
});
