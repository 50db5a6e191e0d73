import { srmTest } from '@foryou/experiments-stats';
import fc from 'fast-check';
import { assign, assignmentFor, type AssignmentResult, type ExperimentAssignment } from './assign';
import { CONTROL, type ExperimentDefinition } from './definition';
import { bucketV2, layerSeed } from './hash';
import { applyKills } from './kills';
import { jsonEqual } from './params';
import { CONTEXT, definition, killRecord, unitIds } from './testing/fixtures';

const N = 100_000;
const IDS = unitIds(N);

function only(result: AssignmentResult, key: string): ExperimentAssignment {
  const a = assignmentFor(result, key);
  if (!a) {
    throw new Error(`no assignment for ${key}`);
  }
  return a;
}

/** Units (by id) whose assignment breaks `ok`: asserted once per test, so a failure lists the offenders. */
function violations(ids: readonly string[], check: (id: string) => boolean): string[] {
  return ids.filter((id) => !check(id)).slice(0, 10);
}

function countBy<T>(items: readonly T[], keyOf: (t: T) => string, keys: readonly string[]): number[] {
  const counts = new Map(keys.map((k) => [k, 0]));
  for (const item of items) {
    const k = keyOf(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return keys.map((k) => counts.get(k) ?? 0);
}

const threeArms = definition('three-arms', {
  seed: 'three-arms-seed',
  variants: [
    { key: 'control', weight: 0.2, params: {} },
    { key: 'b', weight: 0.3, params: {} },
    { key: 'c', weight: 0.5, params: {} },
  ],
});

describe('assign: determinism and stability', () => {
  const defs = [
    definition('exp-a', { layer: { key: 'l1', range: [0, 5000] } }),
    definition('exp-b', { layer: { key: 'l1', range: [5000, 10000] } }),
    definition('exp-c', { layer: { key: 'l2', range: [0, 10000] }, holdout: { layer: 10 } }),
  ];

  it('is a pure function: the same unit gets the same result on every call', () => {
    const first = IDS.slice(0, 2000).map((id) => assign(id, defs, CONTEXT));
    const second = IDS.slice(0, 2000).map((id) => assign(id, defs, CONTEXT));
    expect(second).toEqual(first);
  });

  it('does not depend on the order of the definitions', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.shuffledSubarray(defs, { minLength: 3, maxLength: 3 }),
        (id, shuffled) => {
          expect(assign(id, shuffled, CONTEXT)).toEqual(assign(id, defs, CONTEXT));
        },
      ),
    );
  });

  it('does not depend on the other experiments present (adding one changes nobody elsewhere)', () => {
    const alone = IDS.slice(0, 5000).map((id) => only(assign(id, [defs[0]!], CONTEXT), 'exp-a'));
    const together = IDS.slice(0, 5000).map((id) => only(assign(id, defs, CONTEXT), 'exp-a'));
    expect(together).toEqual(alone);
  });

  it('pins literal buckets, so any process and any restart computes the same assignment', () => {
    const d = definition('golden', {
      seed: 'golden-seed',
      layer: { key: 'golden-layer', range: [0, 10000] },
    });
    const result = (id: string) => {
      const a = only(assign(id, [d], CONTEXT), 'golden');
      return [a.layerBucket, a.bucket, a.variant];
    };
    // Literal values computed once with GrowthBook's v2 formula; a change here re-buckets production.
    expect(result('xiaolin')).toEqual(GOLDEN.xiaolin);
    expect(result('viewer-1')).toEqual(GOLDEN['viewer-1']);
    expect(result('viewer-42')).toEqual(GOLDEN['viewer-42']);
    expect(result('é-ü-😀')).toEqual(GOLDEN['é-ü-😀']);
  });
});

/**
 * [layer bucket, variant bucket, variant] for seed `golden-seed`, layer `golden-layer`, 50/50. Computed
 * independently with a Python FNV-1a over UTF-16-LE code units (not with this code).
 */
const GOLDEN: Record<string, [number, number, string]> = {
  xiaolin: [1796, 6147, 'treatment'],
  'viewer-1': [3598, 9848, 'treatment'],
  'viewer-42': [4801, 1887, 'control'],
  'é-ü-😀': [4323, 7883, 'treatment'],
};

describe('assign: uniformity (χ² SRM of 100k deterministic ids, srmTest p > 0.001)', () => {
  it('splits 50/50 as weighted', () => {
    const d = definition('even', { seed: 'even-seed' });
    const variants = IDS.map((id) => only(assign(id, [d], CONTEXT), 'even').variant);
    const counts = countBy(variants, (v) => v, ['control', 'treatment']);
    expect(srmTest(counts, [0.5, 0.5]).pValue).toBeGreaterThan(0.001);
  });

  it('splits 20/30/50 as weighted', () => {
    const variants = IDS.map((id) => only(assign(id, [threeArms], CONTEXT), 'three-arms').variant);
    const counts = countBy(variants, (v) => v, ['control', 'b', 'c']);
    const srm = srmTest(counts, [0.2, 0.3, 0.5]);
    expect(srm.judged).toBe(true);
    expect(srm.pValue).toBeGreaterThan(0.001);
  });

  it('fills layer ranges in proportion to their widths', () => {
    const defs = [
      definition('q1', { layer: { key: 'lay', range: [0, 2500] } }),
      definition('q2', { layer: { key: 'lay', range: [2500, 10000] } }),
    ];
    const owners = IDS.map(
      (id) => assign(id, defs, CONTEXT).assignments.find((a) => a.inLayerRange)!.experimentKey,
    );
    expect(
      srmTest(
        countBy(owners, (o) => o, ['q1', 'q2']),
        [0.25, 0.75],
      ).pValue,
    ).toBeGreaterThan(0.001);
  });

  it('splits the units INSIDE a layer range evenly (the variant hash is independent of the layer hash)', () => {
    const d = definition('half', { seed: 'half-seed', layer: { key: 'lay', range: [0, 5000] } });
    const inRange = IDS.map((id) => only(assign(id, [d], CONTEXT), 'half')).filter((a) => a.inLayerRange);
    expect(srmTest([inRange.length, N - inRange.length], [0.5, 0.5]).pValue).toBeGreaterThan(0.001);
    const counts = countBy(inRange, (a) => a.variant, ['control', 'treatment']);
    expect(srmTest(counts, [0.5, 0.5]).pValue).toBeGreaterThan(0.001);
  });

  it('holds out the declared share, independently of the layer range', () => {
    const d = definition('held', { layer: { key: 'lay', range: [0, 5000] }, holdout: { global: 5 } });
    const all = IDS.map((id) => only(assign(id, [d], CONTEXT), 'held'));
    const held = all.filter((a) => a.inHoldout).length;
    expect(srmTest([held, N - held], [0.05, 0.95]).pValue).toBeGreaterThan(0.001);
    const inRange = all.filter((a) => a.inLayerRange);
    const heldInRange = inRange.filter((a) => a.inHoldout).length;
    expect(srmTest([heldInRange, inRange.length - heldInRange], [0.05, 0.95]).pValue).toBeGreaterThan(0.001);
  });
});

describe('assign: mutual exclusion in a layer', () => {
  const layer = [
    definition('m1', { layer: { key: 'excl', range: [0, 3000] } }),
    definition('m2', { layer: { key: 'excl', range: [3000, 7000] } }),
    definition('m3', { layer: { key: 'excl', range: [7000, 10000] } }),
  ];
  const other = definition('o1', { layer: { key: 'other', range: [0, 10000] } });

  it('puts every unit in exactly one experiment of a fully allocated layer, never two', () => {
    const bad = violations(IDS.slice(0, 20_000), (id) => {
      const inLayer = assign(id, [...layer, other], CONTEXT).assignments.filter((a) => a.layer === 'excl');
      return (
        inLayer.filter((a) => a.inLayerRange).length === 1 && inLayer.filter((a) => a.inAnalysis).length === 1
      );
    });
    expect(bad).toEqual([]);
  });

  it('holds for arbitrary unit ids', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const inLayer = assign(id, layer, CONTEXT).assignments.filter((a) => a.inAnalysis);
        return inLayer.length === 1;
      }),
    );
  });

  it('leaves units in a gap of the layer out of every experiment (status outside_layer_range, control)', () => {
    const partial = [definition('p1', { layer: { key: 'gap', range: [0, 1000] } })];
    const ids = IDS.slice(0, 5000);
    const outside = ids.filter((id) => bucketV2(layerSeed('gap'), id) >= 1000);
    expect(outside.length).toBeGreaterThan(4000);
    const bad = violations(outside, (id) => {
      const a = only(assign(id, partial, CONTEXT), 'p1');
      return a.status === 'outside_layer_range' && !a.inLayerRange && a.variant === CONTROL && !a.inAnalysis;
    });
    expect(bad).toEqual([]);
  });
});

describe('assign: holdouts', () => {
  const withParams = (key: string, layerKey: string, holdout: Record<string, number>): ExperimentDefinition =>
    definition(key, {
      layer: { key: layerKey, range: [0, 10000] },
      holdout,
      variants: [
        { key: 'control', weight: 0.5, params: { [key.replace(/-/g, '_')]: { on: false } } },
        { key: 'treatment', weight: 0.5, params: { [key.replace(/-/g, '_')]: { on: true } } },
      ],
    });
  const defs = [
    withParams('g-one', 'la', { global: 5 }),
    withParams('g-two', 'lb', { global: 5, layer: 10 }),
    withParams('g-three', 'lb2', { global: 5 }),
  ];

  const results = IDS.slice(0, 20_000).map((id) => assign(id, defs, CONTEXT));

  it('never treats a globally held-out unit in any experiment, and serves it control params', () => {
    const held = results.filter((r) => r.holdouts.global === true);
    expect(held.length).toBeGreaterThan(800);
    const bad = held.filter(
      (r) =>
        !r.assignments.every(
          (a) =>
            a.status === 'holdout' && a.holdoutScope === 'global' && a.variant === CONTROL && !a.inAnalysis,
        ) || !jsonEqual(r.params, { g_one: { on: false }, g_two: { on: false }, g_three: { on: false } }),
    );
    expect(bad.map((r) => r.unitId)).toEqual([]);
  });

  it('never treats a unit in a layer holdout within that layer, but other layers still can', () => {
    const heldInLayer = results.filter((r) => r.holdouts.layers.lb === true && r.holdouts.global === false);
    expect(heldInLayer.length).toBeGreaterThan(1500);
    const bad = heldInLayer.filter((r) => {
      const two = only(r, 'g-two');
      return !(
        two.status === 'holdout' &&
        two.holdoutScope === 'layer' &&
        two.variant === CONTROL &&
        only(r, 'g-one').inAnalysis
      );
    });
    expect(bad.map((r) => r.unitId)).toEqual([]);
  });

  it('holds for arbitrary unit ids (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const result = assign(id, defs, CONTEXT);
        return result.assignments.every((a) => !a.inHoldout || (a.variant === CONTROL && !a.inAnalysis));
      }),
    );
  });
});

describe('assign: kills', () => {
  const d = definition('killable', {
    variants: [
      { key: 'control', weight: 0.4, params: { x: { on: false } } },
      { key: 'b', weight: 0.3, params: { x: { on: true } } },
      { key: 'c', weight: 0.3, params: { x: { on: true } } },
    ],
  });

  it('a killed experiment serves control to everyone and puts nobody in the analysis', () => {
    const [killed] = applyKills([d], [killRecord('killable', null)]);
    const bad = violations(IDS.slice(0, 5000), (id) => {
      const a = only(assign(id, [killed!], CONTEXT), 'killable');
      return (
        a.status === 'killed' &&
        a.variant === CONTROL &&
        !a.inAnalysis &&
        jsonEqual(a.params, { x: { on: false } }) &&
        a.kill?.kill_id === 'kill-killable-all'
      );
    });
    expect(bad).toEqual([]);
  });

  it('a killed variant falls back to control, flagged killed_variant; other units are untouched', () => {
    const [killed] = applyKills([d], [killRecord('killable', 'b')]);
    const ids = IDS.slice(0, 5000);
    const inB = ids.filter((id) => only(assign(id, [d], CONTEXT), 'killable').variant === 'b');
    expect(inB.length).toBeGreaterThan(1000);
    const bad = violations(ids, (id) => {
      const before = only(assign(id, [d], CONTEXT), 'killable');
      const after = only(assign(id, [killed!], CONTEXT), 'killable');
      return before.variant === 'b'
        ? after.status === 'killed_variant' &&
            after.variant === CONTROL &&
            after.hashedVariant === 'b' &&
            !after.inAnalysis &&
            after.kill?.variant === 'b'
        : after.status === before.status && after.variant === before.variant && after.kill === null;
    });
    expect(bad).toEqual([]);
  });

  it('killing control kills the experiment', () => {
    const [killed] = applyKills([d], [killRecord('killable', 'control')]);
    expect(only(assign('someone', [killed!], CONTEXT), 'killable').status).toBe('killed');
  });
});

describe('assign: ramp', () => {
  const atStep = (step: number): ExperimentDefinition =>
    definition('ramped', {
      seed: 'ramped-seed',
      ramp: {
        current_step: step,
        steps: [
          { percent: 10, gates: { min_duration_hours: 24 } },
          { percent: 50, gates: { min_duration_hours: 48 } },
          { percent: 100, gates: { min_duration_hours: 72 } },
        ],
      },
    });

  const [step10, step50, step100] = [atStep(0), atStep(1), atStep(2)];

  it('analyses only the ramped share; the rest get control and are NOT in the analysis population', () => {
    const all = IDS.map((id) => only(assign(id, [step10], CONTEXT), 'ramped'));
    const analysed = all.filter((a) => a.inAnalysis);
    expect(srmTest([analysed.length, N - analysed.length], [0.1, 0.9]).pValue).toBeGreaterThan(0.001);
    expect(
      srmTest(
        countBy(analysed, (a) => a.variant, ['control', 'treatment']),
        [0.5, 0.5],
      ).pValue,
    ).toBeGreaterThan(0.001);
    const outside = all.filter((x) => !x.inRamp);
    expect(outside.length).toBeGreaterThan(0.85 * N);
    const bad = outside.filter(
      (a) => !(a.status === 'outside_ramp' && a.variant === CONTROL && !a.inAnalysis && a.rampPercent === 10),
    );
    expect(bad).toEqual([]);
  });

  it('a ramp-up keeps every analysed unit in its variant and only adds units', () => {
    const bad = violations(IDS.slice(0, 20_000), (id) => {
      const at10 = only(assign(id, [step10], CONTEXT), 'ramped');
      const at50 = only(assign(id, [step50], CONTEXT), 'ramped');
      const at100 = only(assign(id, [step100], CONTEXT), 'ramped');
      return (
        (!at10.inAnalysis || (at50.inAnalysis && at50.variant === at10.variant)) &&
        (!at50.inAnalysis || (at100.inAnalysis && at100.variant === at50.variant)) &&
        at100.inAnalysis &&
        at10.hashedVariant === at100.variant
      );
    });
    expect(bad).toEqual([]);
  });
});

describe('assign: eligibility and status', () => {
  const d = definition('gated', {
    eligibility: { known_viewer: true, min_account_age_days: 7, surfaces: ['for_you'] },
  });
  const DAY = 86_400_000;

  it('assigns an eligible viewer', () => {
    expect(only(assign('v', [d], CONTEXT), 'gated')).toMatchObject({ eligible: true, ineligibleReasons: [] });
  });

  it('reports every failed predicate and serves control', () => {
    const a = only(
      assign('v', [d], {
        ...CONTEXT,
        viewerKnown: false,
        accountCreatedAtMs: CONTEXT.nowMs - 2 * DAY,
        surface: 'search',
      }),
      'gated',
    );
    expect(a).toMatchObject({
      status: 'ineligible',
      eligible: false,
      variant: CONTROL,
      inAnalysis: false,
      ineligibleReasons: ['known_viewer', 'min_account_age_days', 'surfaces'],
    });
  });

  it('fails age predicates closed when the account creation time is unknown', () => {
    const a = only(assign('v', [d], { ...CONTEXT, accountCreatedAtMs: null }), 'gated');
    expect(a.ineligibleReasons).toEqual(['min_account_age_days']);
  });

  it('serves control and analyses nobody while the experiment is not running', () => {
    for (const status of ['draft', 'stopped']) {
      const a = only(assign('v', [definition('idle', { status })], CONTEXT), 'idle');
      expect(a).toMatchObject({ status: 'not_running', variant: CONTROL, inAnalysis: false });
    }
  });

  it('records hash and eligibility versions', () => {
    const a = only(assign('v', [definition('versions', { eligibility_version: 3 })], CONTEXT), 'versions');
    expect(a).toMatchObject({ hashVersion: 2, eligibilityVersion: 3 });
  });

  it('rejects programmer errors', () => {
    expect(() => assign('', [d], CONTEXT)).toThrow(RangeError);
    expect(() => assign('v', [d, d], CONTEXT)).toThrow(/duplicate experiment key/);
  });
});

describe('assign: params', () => {
  const source = definition('source-exp', {
    layer: { key: 'sources', range: [0, 5000] },
    variants: [
      {
        key: 'control',
        weight: 0.5,
        params: { recentEngagedAuthors: { enabled: false, candidateLimit: 50 } },
      },
      {
        key: 'treatment',
        weight: 0.5,
        params: { recentEngagedAuthors: { enabled: true, candidateLimit: 50 } },
      },
    ],
  });
  const ranking = definition('ranking-exp', {
    layer: { key: 'ranking', range: [0, 10000] },
    variants: [
      { key: 'control', weight: 0.5, params: { ranking: { oonWeightFactor: 0.75 } } },
      { key: 'treatment', weight: 0.5, params: { ranking: { oonWeightFactor: 0.9 } } },
    ],
  });

  it('merges control overrides of the experiments a unit is not in with its assigned variants', () => {
    const results = IDS.slice(0, 2000).map((id) => assign(id, [source, ranking], CONTEXT));
    expect(
      new Set(results.map((r) => `${only(r, 'source-exp').variant}/${only(r, 'ranking-exp').variant}`)).size,
    ).toBe(4);
    const bad = results.filter((result) => {
      const s = only(result, 'source-exp');
      const r = only(result, 'ranking-exp');
      return !jsonEqual(result.params, {
        recentEngagedAuthors: { enabled: s.variant === 'treatment', candidateLimit: 50 },
        ranking: { oonWeightFactor: r.variant === 'treatment' ? 0.9 : 0.75 },
      });
    });
    expect(bad.map((r) => r.unitId)).toEqual([]);
  });
});
