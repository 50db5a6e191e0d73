/**
 * Shared fixtures of the unit specs: one small world (generated once per test file) and experiment
 * definitions validated by the real schema.
 */
import { ExperimentDefinitionSchema, type ExperimentDefinition } from '@foryou/experiments';
import { generateWorld, type World } from '@foryou/world';

let world: World | undefined;

/** The small world with seed 42 (1,000 viewers), generated on first use. */
export function smallWorld(): World {
  world ??= generateWorld({ seed: 42, scale: 'small' });
  return world;
}

/** A running 50/50 A/A definition (whole layer, 5 % global holdout) shaped like aa-calibration.yaml. */
export function aaDefinition(overrides: Record<string, unknown> = {}): ExperimentDefinition {
  return ExperimentDefinitionSchema.parse({
    schema_version: 'experiment-v1',
    key: 'sim-aa',
    hypothesis: 'identical arms',
    owner: 'experimentation-platform',
    unit: 'viewer',
    status: 'running',
    seed: 'sim-aa-seed',
    hash_version: 2,
    eligibility_version: 1,
    layer: { key: 'sim', range: [0, 10000] },
    holdout: { global: 5 },
    variants: [
      { key: 'control', weight: 0.5, params: {} },
      { key: 'twin', weight: 0.5, params: {} },
    ],
    eligibility: {},
    trigger: { always: true },
    primary_metric: {
      key: 'engagement_per_exposure',
      description: 'favorites + replies + reposts per exposure',
      direction: 'higher-is-better',
      source: 'outcomes',
      events: ['favorite', 'reply', 'repost'],
      aggregate: 'count',
      denominator: 'exposures',
    },
    attribution_window_hours: 24,
    minimum_sample_per_arm: 100,
    ramp: { current_step: 0, steps: [{ percent: 100, gates: { min_duration_hours: 24 } }] },
    kill_switch: { on_srm: 'warn', on_guardrail_critical: 'hold' },
    ...overrides,
  });
}
