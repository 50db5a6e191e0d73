import { healthStatus, metricVerdict, recommend, type RecommendationInput } from './verdicts';

describe(metricVerdict.name, () => {
  it.each([
    [0.1, 0.01, 'higher-is-better', 'better'],
    [-0.1, 0.01, 'higher-is-better', 'worse'],
    [0.1, 0.01, 'lower-is-better', 'worse'],
    [-0.1, 0.01, 'lower-is-better', 'better'],
    [0.1, 0.05, 'higher-is-better', 'better'],
    [0.1, 0.0501, 'higher-is-better', 'inconclusive'],
    [0, 0, 'higher-is-better', 'inconclusive'],
    [null, 0.01, 'higher-is-better', 'not-computable'],
    [0.1, null, 'higher-is-better', 'not-computable'],
  ] as const)('estimate %s, adjusted p %s, %s → %s', (estimate, p, direction, expected) => {
    expect(metricVerdict(estimate, p, direction, 0.05)).toBe(expected);
  });
});

describe(healthStatus.name, () => {
  it('should be the worst severity', () => {
    expect(healthStatus([])).toBe('healthy');
    expect(healthStatus([{ severity: 'warning', message: 'w' }])).toBe('warning');
    expect(
      healthStatus([
        { severity: 'warning', message: 'w' },
        { severity: 'unhealthy', message: 'u' },
      ]),
    ).toBe('unhealthy');
  });
});

describe(recommend.name, () => {
  const base: RecommendationInput = {
    treatment: 'treatment',
    killed: null,
    health: 'healthy',
    healthIssues: [],
    srmAction: null,
    minimumSample: { ok: true, detail: '' },
    primary: { key: 'engagement', verdict: 'better' },
    guardrails: [
      { key: 'latency', level: 'ok', nonInferiority: 'non-inferior', action: 'none' },
      { key: 'hides', level: 'ok', nonInferiority: 'non-inferior', action: 'none' },
    ],
  };
  const withGuardrail = (patch: Partial<RecommendationInput['guardrails'][number]>): RecommendationInput => ({
    ...base,
    guardrails: [{ ...base.guardrails[0]!, ...patch }, base.guardrails[1]!],
  });

  it('should ship only when the primary is better and every guardrail is non-inferior', () => {
    expect(recommend(base).decision).toBe('ship');
    expect(recommend(withGuardrail({ nonInferiority: 'inconclusive' })).decision).toBe('keep-running');
    expect(recommend(withGuardrail({ nonInferiority: 'inferior' })).decision).toBe('do-not-ship');
  });

  it('should apply the rules in order: killed, unhealthy, critical, warning, sample, primary', () => {
    const killed = { at: '2026-03-10 09:36 UTC', reason: 'r', actor: 'bot' };
    expect(recommend({ ...base, killed, health: 'unhealthy' }).decision).toBe('killed');
    expect(
      recommend({ ...withGuardrail({ level: 'critical', action: 'kill' }), health: 'unhealthy' }).decision,
    ).toBe('investigate');
    expect(recommend(withGuardrail({ level: 'critical', action: 'kill' })).decision).toBe('kill');
    expect(recommend(withGuardrail({ level: 'critical', action: 'hold' })).decision).toBe('hold');
    expect(
      recommend({
        ...withGuardrail({ level: 'warning', action: 'hold' }),
        minimumSample: { ok: false, detail: 'x' },
      }).decision,
    ).toBe('hold');
    expect(recommend({ ...base, minimumSample: { ok: false, detail: 'control 10 < 100' } })).toEqual({
      treatment: 'treatment',
      decision: 'keep-running',
      reasons: ['minimum sample not reached: control 10 < 100'],
    });
  });

  it('should not ship a worse or flat primary', () => {
    expect(recommend({ ...base, primary: { key: 'e', verdict: 'worse' } }).decision).toBe('do-not-ship');
    expect(recommend({ ...base, primary: { key: 'e', verdict: 'inconclusive' } }).decision).toBe(
      'no-detectable-effect',
    );
    expect(recommend({ ...base, primary: { key: 'e', verdict: 'not-computable' } }).decision).toBe(
      'keep-running',
    );
  });

  it('should explain an unhealthy experiment and a kill', () => {
    const unhealthy = recommend({
      ...base,
      health: 'unhealthy',
      healthIssues: ['SRM on first exposures'],
      srmAction: 'hold',
    });
    expect(unhealthy.reasons).toEqual([
      'health checks failed (kill_switch.on_srm: hold): the results cannot be trusted until explained',
      'SRM on first exposures',
    ]);
    const killed = recommend({
      ...withGuardrail({ level: 'warning' }),
      killed: { at: '2026-03-10 09:36 UTC', reason: 'guardrail critical', actor: 'bot' },
      primary: { key: 'engagement', verdict: 'inconclusive' },
    });
    expect(killed.reasons).toEqual([
      'ended by a kill at 2026-03-10 09:36 UTC (bot: guardrail critical); the comparison covers the time before it',
      'before the kill, primary metric engagement: no significant difference',
      'before the kill, guardrail latency: at warning',
    ]);
  });

  it('should carry health warnings into the reasons', () => {
    expect(recommend({ ...base, health: 'warning', healthIssues: ['3 orphans'] }).reasons).toContain(
      'health warning: 3 orphans',
    );
  });
});
