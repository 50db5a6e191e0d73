import fc from 'fast-check';
import { applyKills, buildKillSwitchState, EMPTY_KILL_SWITCH_STATE, unmatchedKills } from './kills';
import { definition, killRecord } from './testing/fixtures';

const exp = definition('exp', {
  variants: [
    { key: 'control', weight: 0.5, params: {} },
    { key: 'b', weight: 0.25, params: {} },
    { key: 'c', weight: 0.25, params: {} },
  ],
});
const other = definition('other', { seed: 'other-seed', layer: { key: 'l2', range: [0, 10000] } });

describe('buildKillSwitchState', () => {
  it('folds records into experiment and variant kills; killing control kills the experiment', () => {
    const state = buildKillSwitchState([killRecord('exp', 'b'), killRecord('other', 'control')]);
    expect(Object.keys(state.experiments)).toEqual(['other']);
    expect(Object.keys(state.variants)).toEqual(['exp']);
    expect(state.variants.exp!.b!.kill_id).toBe('kill-exp-b');
  });

  it('keeps the earliest record per target whatever the order (ties broken by kill_id)', () => {
    const records = [
      killRecord('exp', null, { kill_id: 'k3', created_at_ms: 30 }),
      killRecord('exp', null, { kill_id: 'k2', created_at_ms: 10 }),
      killRecord('exp', null, { kill_id: 'k1', created_at_ms: 10 }),
      killRecord('exp', 'b', { kill_id: 'v2', created_at_ms: 5 }),
      killRecord('exp', 'b', { kill_id: 'v1', created_at_ms: 7 }),
    ];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(records, { minLength: records.length, maxLength: records.length }),
        (shuffled) => {
          const state = buildKillSwitchState(shuffled);
          return state.experiments.exp!.kill_id === 'k1' && state.variants.exp!.b!.kill_id === 'v2';
        },
      ),
    );
  });
});

describe('applyKills', () => {
  it('attaches each definition its kill state without modifying the definitions', () => {
    const [e, o] = applyKills([exp, other], [killRecord('exp', 'c'), killRecord('other', null)]);
    expect(e!.kill?.experiment).toBeNull();
    expect(Object.keys(e!.kill!.variants)).toEqual(['c']);
    expect(e!.kill!.variants.c!.variant).toBe('c');
    expect(o!.kill?.experiment?.experiment_key).toBe('other');
    expect('kill' in exp).toBe(false);
  });

  it('accepts a prebuilt state and the empty state', () => {
    const state = buildKillSwitchState([killRecord('exp', null)]);
    expect(applyKills([exp], state)[0]!.kill?.experiment).not.toBeNull();
    expect(applyKills([exp], EMPTY_KILL_SWITCH_STATE)[0]!.kill).toEqual({ experiment: null, variants: {} });
  });

  it('ignores kills of unknown experiments or variants, and unmatchedKills lists them', () => {
    const records = [killRecord('nope', null), killRecord('exp', 'zzz'), killRecord('exp', 'b')];
    expect(applyKills([exp], records)[0]!.kill?.variants).toEqual({ b: records[2] });
    expect(unmatchedKills([exp], records)).toEqual([records[0], records[1]]);
  });
});
