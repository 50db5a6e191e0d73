import { assign } from '@foryou/experiments';
import type { Engagement } from '@foryou/world';
import { eligibilityContext } from './population';
import { groupRequests, simulateRun, type SimulatedRun, type SimulateRunOptions } from './run';
import { resaltDefinition } from './salt';
import { aaDefinition, smallWorld } from './testing/fixtures';

const UNITS = 200;
const options = (overrides: Partial<SimulateRunOptions> = {}): SimulateRunOptions => ({
  world: smallWorld(),
  definition: aaDefinition(),
  salt: 'spec-1',
  impressionsPerUnit: 20,
  units: UNITS,
  ...overrides,
});

describe('simulateRun', () => {
  let run: SimulatedRun;
  beforeAll(() => {
    run = simulateRun(options({ collectEvents: true }));
  });

  it('is deterministic: the same salt gives the same run, another salt another split', () => {
    expect(simulateRun(options({ collectEvents: true }))).toEqual(run);
    const other = simulateRun(options({ salt: 'spec-2' }));
    expect(other.seed).toBe('sim-aa-seed/spec-2');
    expect(Buffer.from(other.unitArms).equals(Buffer.from(run.unitArms))).toBe(false);
  });

  it('assigns every viewer with the real assign() on the re-salted definition', () => {
    const world = smallWorld();
    const salted = resaltDefinition(aaDefinition(), 'spec-1');
    expect(run.seed).toBe('sim-aa-seed/spec-1');
    let i = 0;
    for (const user of world.users.values()) {
      if (i >= UNITS) {
        break;
      }
      const a = assign(user.id, [salted], eligibilityContext(world, user)).assignments[0]!;
      const expected = a.inAnalysis ? salted.variants.findIndex((v) => v.key === a.variant) : -1;
      expect(run.unitArms[i]).toBe(expected);
      i += 1;
    }
    expect(run.population).toBe(UNITS);
    const analysed = run.arms.reduce((s, a) => s + a.assigned, 0);
    expect(analysed).toBe(run.statusCounts.assigned);
    expect(run.statusCounts.holdout ?? 0).toBeGreaterThan(0); // the 5 % global holdout
    expect(analysed + (run.statusCounts.holdout ?? 0)).toBe(UNITS);
  });

  it('reads eligibility from the world users (account age)', () => {
    const young = simulateRun(
      options({ definition: aaDefinition({ eligibility: { min_account_age_days: 365 } }) }),
    );
    const world = smallWorld();
    const tooYoung = [...world.users.values()]
      .slice(0, UNITS)
      .filter((u) => (world.nowMs - u.createdAtMs) / 86_400_000 < 365).length;
    expect(tooYoung).toBeGreaterThan(0);
    expect(young.statusCounts.ineligible).toBe(tooYoung);
  });

  it('computes per-unit moments that match its own logged events (y = metric outcomes, x = exposures)', () => {
    const events = run.events!;
    const variantOf = new Map(events.assignments.map((a) => [a.unitId, a.variant]));
    const y = new Map<string, number>();
    const x = new Map<string, number>();
    for (const e of events.exposures) {
      x.set(e.unitId, (x.get(e.unitId) ?? 0) + 1);
    }
    for (const o of events.outcomes) {
      if (['favorite', 'reply', 'repost'].includes(o.eventType)) {
        y.set(o.unitId, (y.get(o.unitId) ?? 0) + 1);
      }
    }
    for (const arm of run.arms) {
      const units = [...x.keys()].filter((u) => variantOf.get(u) === arm.variant);
      const ys = units.map((u) => y.get(u) ?? 0);
      const xs = units.map((u) => x.get(u)!);
      expect(arm.moments).toEqual({
        n: units.length,
        sumY: ys.reduce((s, v) => s + v, 0),
        sumYSq: ys.reduce((s, v) => s + v * v, 0),
        sumX: xs.reduce((s, v) => s + v, 0),
        sumXSq: xs.reduce((s, v) => s + v * v, 0),
        sumXY: units.reduce((s, _u, i) => s + xs[i]! * ys[i]!, 0),
      });
      expect(arm.exposureMoments.n).toBe(arm.moments.sumX);
      expect(arm.exposureMoments.sum).toBe(arm.moments.sumY);
      expect(arm.assigned).toBe([...variantOf.values()].filter((v) => v === arm.variant).length);
    }
    // every request is within the policy's impressions, and outcomes point at a logged request
    const requests = new Set(events.exposures.map((e) => e.requestId));
    expect(events.outcomes.every((o) => o.requestId !== null && requests.has(o.requestId))).toBe(true);
    xsWithin(x, 1, 20);
  });

  it('uses x ≡ 1 for a per-unit metric', () => {
    const perUnit = simulateRun(
      options({
        definition: aaDefinition({
          primary_metric: {
            key: 'favorites_per_unit',
            description: 'favorites per viewer',
            direction: 'higher-is-better',
            source: 'outcomes',
            events: ['favorite'],
            aggregate: 'count',
            denominator: 'units',
          },
        }),
      }),
    );
    for (const arm of perUnit.arms) {
      expect(arm.moments.sumX).toBe(arm.moments.n);
      expect(arm.moments.sumXY).toBe(arm.moments.sumY);
    }
  });

  it('plants the effect in the treatment arm only, by the expected amount', () => {
    const planted = simulateRun(options({ plantedLift: 0.5 }));
    const [control, twin] = planted.arms;
    expect(control!.moments).toEqual(run.arms[0]!.moments); // same salt, same base draws
    expect(planted.planted?.arm).toBe('twin');
    expect(planted.planted?.actions).toEqual(['favorite', 'reply', 'repost']);
    const tally = planted.planted!.tally;
    const expectedIncrease = tally.plantedExpected - tally.baseExpected;
    expect(tally.plantedExpected / tally.baseExpected - 1).toBeCloseTo(0.5, 12);
    const observedIncrease = twin!.moments.sumY - run.arms[1]!.moments.sumY;
    expect(observedIncrease).toBeGreaterThanOrEqual(0); // the coupling only adds actions
    expect(Math.abs(observedIncrease - expectedIncrease)).toBeLessThan(5 * Math.sqrt(expectedIncrease));
    expect(twin!.moments.sumX).toBe(run.arms[1]!.moments.sumX); // exposures are untouched
  });

  it('refuses invalid options', () => {
    expect(() => simulateRun(options({ impressionsPerUnit: 0 }))).toThrow(RangeError);
    expect(() => simulateRun(options({ units: 0 }))).toThrow(RangeError);
    expect(() => simulateRun(options({ units: 10_000 }))).toThrow(RangeError);
    expect(() => simulateRun(options({ treatmentArm: 'control' }))).toThrow(/non-control/);
    expect(() => simulateRun(options({ treatmentArm: 'nope' }))).toThrow(/non-control/);
    expect(() => simulateRun(options({ plantedLift: -2 }))).toThrow(RangeError);
    expect(() => simulateRun(options({ plantedLift: 0.1, plantedActions: ['dwell'] }))).toThrow(/dwell/);
    expect(() => simulateRun(options({ requestWindowMs: 0 }))).toThrow(RangeError);
  });
});

function xsWithin(x: ReadonlyMap<string, number>, min: number, max: number): void {
  for (const v of x.values()) {
    expect(v).toBeGreaterThanOrEqual(min);
    expect(v).toBeLessThanOrEqual(max);
  }
}

describe('groupRequests', () => {
  const at = (atMs: number): Engagement => ({
    viewerId: 'u',
    postId: `p${atMs}`,
    atMs,
    actions: new Set(),
    dwellMs: 1,
  });

  it('groups time-ordered impressions by window; a request starts at its first impression', () => {
    const requests = groupRequests([at(10), at(20), at(105), at(199), at(200)], 100, 's:u');
    expect(requests.map((r) => [r.requestId, r.atMs, r.impressions.length])).toEqual([
      ['s:u:0', 10, 2],
      ['s:u:1', 105, 2],
      ['s:u:2', 200, 1],
    ]);
    expect(groupRequests([], 100, 's:u')).toEqual([]);
  });
});
