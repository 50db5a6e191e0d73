import { GuardrailSchema } from './definition';
import { assessGuardrail, evaluateRampGates, killSwitchAction } from './policy';
import { definition } from './testing/fixtures';

const latency = GuardrailSchema.parse({
  key: 'feed_latency_p99',
  description: 'p99 latency',
  direction: 'lower-is-better',
  source: 'serving',
  signal: 'latency_ms',
  aggregate: 'quantile',
  quantile: 0.99,
  scale: 'absolute',
  margin: 10,
  warning: 15,
  critical: 30,
});
const engagement = GuardrailSchema.parse({
  key: 'engagement',
  description: 'engagements per exposure',
  direction: 'higher-is-better',
  source: 'outcomes',
  events: ['favorite'],
  aggregate: 'count',
  denominator: 'exposures',
  scale: 'relative',
  margin: 0.01,
  warning: 0.02,
  critical: 0.05,
});

describe('assessGuardrail', () => {
  it('acts only on degradations the interval proves (lower-is-better)', () => {
    expect(assessGuardrail(latency, [-2, 8])).toEqual({ level: 'ok', nonInferiority: 'non-inferior' });
    expect(assessGuardrail(latency, [5, 40])).toEqual({ level: 'ok', nonInferiority: 'inconclusive' });
    expect(assessGuardrail(latency, [16, 25])).toEqual({ level: 'warning', nonInferiority: 'inferior' });
    expect(assessGuardrail(latency, [31, 50])).toEqual({ level: 'critical', nonInferiority: 'inferior' });
  });

  it('mirrors the thresholds for higher-is-better metrics', () => {
    expect(assessGuardrail(engagement, [-0.005, 0.03]).level).toBe('ok');
    expect(assessGuardrail(engagement, [-0.04, -0.03]).level).toBe('warning');
    expect(assessGuardrail(engagement, [-0.09, -0.06]).level).toBe('critical');
  });
});

describe('killSwitchAction', () => {
  const policy = { on_srm: 'hold', on_guardrail_critical: 'kill' } as const;
  it('applies the definition policy; a warning always holds', () => {
    expect(killSwitchAction(policy, { kind: 'srm' })).toBe('hold');
    expect(killSwitchAction({ ...policy, on_srm: 'warn' }, { kind: 'srm' })).toBe('warn');
    expect(killSwitchAction(policy, { kind: 'guardrail', level: 'ok' })).toBe('none');
    expect(killSwitchAction(policy, { kind: 'guardrail', level: 'warning' })).toBe('hold');
    expect(killSwitchAction(policy, { kind: 'guardrail', level: 'critical' })).toBe('kill');
    expect(
      killSwitchAction(
        { ...policy, on_guardrail_critical: 'hold' },
        { kind: 'guardrail', level: 'critical' },
      ),
    ).toBe('hold');
  });
});

describe('evaluateRampGates', () => {
  const d = definition('ramped', {
    ramp: {
      current_step: 0,
      steps: [
        { percent: 1, gates: { min_duration_hours: 24, min_units_per_arm: 100 } },
        { percent: 10, gates: { min_duration_hours: 48, no_srm: false } },
      ],
    },
  });
  const healthy = {
    hoursAtStep: 30,
    srmFlagged: false,
    guardrailLevels: ['ok', 'ok'] as const,
    unitsPerArm: [150, 160],
  };

  it('advances when every gate of the current step passes', () => {
    expect(evaluateRampGates(d, healthy)).toEqual({ canAdvance: true, failures: [], nextPercent: 10 });
  });

  it('lists every failed gate', () => {
    expect(
      evaluateRampGates(d, {
        hoursAtStep: 2,
        srmFlagged: true,
        guardrailLevels: ['ok', 'warning'],
        unitsPerArm: [150, 20],
      }).failures,
    ).toEqual(['min_duration', 'srm', 'guardrail_breach', 'min_units_per_arm']);
  });

  it('never advances past the last step, and honours disabled gates', () => {
    const last = definition('ramped', { ramp: { ...d.ramp, current_step: 1 } });
    expect(evaluateRampGates(last, { ...healthy, hoursAtStep: 100, srmFlagged: true })).toEqual({
      canAdvance: false,
      failures: ['last_step'],
      nextPercent: null,
    });
  });
});
