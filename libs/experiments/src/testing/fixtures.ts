import { stringify } from 'yaml';
import { ExperimentDefinitionSchema, type ExperimentDefinition } from '../definition';
import type { EligibilityContext } from '../eligibility';
import { KILL_RECORD_SCHEMA_VERSION, type KillRecord } from '../events';

type Raw = Record<string, unknown>;

/** A minimal valid definition as raw YAML data; `overrides` replace top-level fields. */
export function rawDefinition(key: string, overrides: Raw = {}): Raw {
  return {
    schema_version: 'experiment-v1',
    key,
    hypothesis: `the ${key} change improves engagement`,
    owner: 'tests',
    unit: 'viewer',
    status: 'running',
    seed: `${key}-seed`,
    hash_version: 2,
    eligibility_version: 1,
    layer: { key: 'layer-a', range: [0, 10000] },
    variants: [
      { key: 'control', weight: 0.5, params: {} },
      { key: 'treatment', weight: 0.5, params: {} },
    ],
    trigger: { always: true },
    primary_metric: {
      key: 'engagement_per_exposure',
      description: 'engagements per exposure',
      direction: 'higher-is-better',
      source: 'outcomes',
      events: ['favorite', 'reply', 'repost'],
      aggregate: 'count',
      denominator: 'exposures',
    },
    attribution_window_hours: 24,
    minimum_sample_per_arm: 1000,
    ramp: { current_step: 0, steps: [{ percent: 100, gates: { min_duration_hours: 0 } }] },
    kill_switch: { on_srm: 'hold', on_guardrail_critical: 'kill' },
    ...overrides,
  };
}

export function definition(key: string, overrides: Raw = {}): ExperimentDefinition {
  return ExperimentDefinitionSchema.parse(rawDefinition(key, overrides));
}

/** A `{ file, text }` source for the loader, from raw data. */
export function source(key: string, overrides: Raw = {}, file = `experiments/${key}.yaml`) {
  return { file, text: stringify(rawDefinition(key, overrides)) };
}

/** Deterministic synthetic unit ids. */
export function unitIds(n: number, prefix = 'viewer-'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

export const CONTEXT: EligibilityContext = Object.freeze({
  nowMs: 1_800_000_000_000,
  viewerKnown: true,
  accountCreatedAtMs: 1_700_000_000_000,
  surface: 'for_you',
});

export function killRecord(
  experimentKey: string,
  variant: string | null,
  overrides: Partial<KillRecord> = {},
): KillRecord {
  return {
    schema_version: KILL_RECORD_SCHEMA_VERSION,
    kill_id: `kill-${experimentKey}-${variant ?? 'all'}`,
    experiment_key: experimentKey,
    variant,
    reason: 'guardrail hide_report_rate critical',
    actor: 'guardrail-monitor',
    automatic: true,
    created_at_ms: 1_800_000_000_000,
    ...overrides,
  };
}
