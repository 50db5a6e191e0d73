import {
  KILL_RECORD_SCHEMA_VERSION,
  buildKillSwitchState,
  EMPTY_KILL_SWITCH_STATE,
  loadExperiments,
  SHIPPED_EXPERIMENTS_DIR,
  type ExperimentDefinition,
  type KillSwitchState,
} from '@foryou/experiments';
import { EXPERIMENT_EXPOSURES_JOB, type ExperimentExposures } from '@foryou/feed-state';
import type { Adapters } from '../adapters';
import { explainCandidates } from '../feed/debug-ledger';
import { withFaults } from '../faults/fault-injection';
import { DEFAULT_PARAMS } from '../params/default-params';
import { FEED_PARAMS_OVERRIDES_SCHEMA } from '../params/params-overrides-schema';
import { notFollowedRecentAuthors } from '../pipeline/sources/recent-engaged-authors.source';
import { FIXED_WALL_MS, inMemoryAdapters, runForYou, smallWorld } from '../testing/pipeline-harness';
import { HomeMixerMetrics } from '../telemetry/metrics';
import { Experiments } from './experiments';

const KEY = 'recent-engaged-authors-source';
const world = smallWorld();
const serving = { latency_ms: 12, items_returned: 20, requested_items: 20 };

describe('experiments module (shipped definitions, small world)', () => {
  let definitions: ExperimentDefinition[];
  let adapters: Adapters;
  let kills: KillSwitchState;
  let experiments: Experiments;
  /** Known, old-enough viewers with a recently engaged author they do not follow, by served variant. */
  const viewers: Record<string, string> = {};

  beforeAll(async () => {
    definitions = await loadExperiments(SHIPPED_EXPERIMENTS_DIR, {
      paramsSchema: FEED_PARAMS_OVERRIDES_SCHEMA,
    });
    adapters = await inMemoryAdapters(world);
    experiments = new Experiments({ definitions, metrics: new HomeMixerMetrics(), killState: () => kills });
    kills = EMPTY_KILL_SWITCH_STATE;
    for (const id of world.users.keys()) {
      const assigned = experiments.assign(id, {
        nowMs: world.nowMs,
        viewerKnown: true,
        accountCreatedAtMs: world.users.get(id)!.createdAtMs,
        surface: 'for_you',
      });
      const mine = assigned.experiments.find((a) => a.experimentKey === KEY);
      if (mine && viewers[mine.variant] === undefined) {
        viewers[mine.variant] = id;
      }
      if (viewers.control !== undefined && viewers.treatment !== undefined) {
        break;
      }
    }
  });

  beforeEach(() => {
    kills = EMPTY_KILL_SWITCH_STATE;
  });

  /** Retrieval down: out-of-network supply is 0, so the trigger's supply predicate holds in every arm. */
  const withoutRetrieval = (): Adapters => ({
    ...adapters,
    retrieval: withFaults(adapters.retrieval, () => 'error'),
  });

  it('keeps the shipped trigger and the source gate on one threshold', () => {
    const definition = definitions.find((d) => d.key === KEY)!;
    expect(definition.trigger.out_of_network_supply_below).toBe(
      DEFAULT_PARAMS.recentEngagedAuthors.oonSupplyBelow,
    );
  });

  it("serves each arm its variant's params, frozen in the query, with the arm in the version vector", async () => {
    const control = await runForYou(world, adapters, { viewerId: viewers.control! }, undefined, experiments);
    const treatment = await runForYou(
      world,
      adapters,
      { viewerId: viewers.treatment! },
      undefined,
      experiments,
    );
    expect(control.query.params.values.recentEngagedAuthors.enabled).toBe(false);
    expect(treatment.query.params.values.recentEngagedAuthors.enabled).toBe(true);
    expect(treatment.query.params.version).toMatch(/^v1\+[0-9a-f]{8}$/);
    expect(control.query.params.version).not.toBe(treatment.query.params.version);
    expect(Object.isFrozen(treatment.query.params.values.recentEngagedAuthors)).toBe(true);
    expect(treatment.query.versionVector.experiments).toContain(`${KEY}=treatment`);
    expect(control.query.versionVector.experiments).toContain(`${KEY}=control`);
    expect(treatment.query.experiments.map((a) => a.experimentKey)).toContain(KEY);
  });

  it('uses the new source only in treatment and only when out-of-network supply is short', async () => {
    const viewerId = viewers.treatment!;
    const short = await runForYou(world, withoutRetrieval(), { viewerId }, undefined, experiments);
    expect(notFollowedRecentAuthors(short.query).size).toBeGreaterThan(0);
    const fromSource = explainCandidates(short.record).filter((c) =>
      c.sources.some((s) => s.source === 'RecentEngagedAuthorsSource'),
    );
    expect(fromSource.length).toBeGreaterThan(0);
    const cap = Math.floor(DEFAULT_PARAMS.recentEngagedAuthors.ratio * DEFAULT_PARAMS.scoredPostsSize);
    const gated = fromSource.filter(
      (c) => c.fate.bucket === 'filtered' && c.fate.component === 'RecentEngagedAuthorsGateFilter',
    );
    expect(fromSource.length - gated.length).toBeLessThanOrEqual(cap);
    expect(gated.every((c) => c.fate.reason === 'source_share_cap')).toBe(true);

    // With retrieval answering (k = 200 ≥ 100) the gate drops every candidate of the source.
    const plenty = await runForYou(world, adapters, { viewerId }, undefined, experiments);
    const retrieved = plenty.record.nested
      .ScoredPostsSource!.stages.find((s) => s.stage === 'sources')!
      .components.find((c) => c.component === 'PhoenixRetrievalSource')!;
    expect(retrieved.outputCount).toBeGreaterThanOrEqual(DEFAULT_PARAMS.recentEngagedAuthors.oonSupplyBelow);
    const kept = explainCandidates(plenty.record).filter(
      (c) =>
        c.sources.every((s) => s.source === 'RecentEngagedAuthorsSource') &&
        !(c.fate.bucket === 'filtered' && c.fate.reason === 'oon_supply_sufficient'),
    );
    expect(kept).toEqual([]);

    // Control never runs it.
    const control = await runForYou(
      world,
      withoutRetrieval(),
      { viewerId: viewers.control! },
      undefined,
      experiments,
    );
    expect(
      explainCandidates(control.record).some((c) =>
        c.sources.some((s) => s.source === 'RecentEngagedAuthorsSource'),
      ),
    ).toBe(false);
  });

  it('logs the trigger in every arm: counterfactual in control, bound to the request and version vector', async () => {
    for (const variant of ['control', 'treatment'] as const) {
      const result = await runForYou(
        world,
        withoutRetrieval(),
        { viewerId: viewers[variant]! },
        undefined,
        experiments,
      );
      const effect = experiments.exposureEffect(result.query, result.record, serving)!;
      const work = effect.work({ query: result.query, selected: result.selected, notSelected: [] });
      expect(work).toMatchObject({
        type: EXPERIMENT_EXPOSURES_JOB,
        businessKey: 'req-test-0001',
        schemaVersion: 2,
      });
      const payload = work.payload as ExperimentExposures;
      const exposure = payload.exposures.find((e) => e.experiment_key === KEY)!;
      expect(exposure).toMatchObject({
        exposure_id: `req-test-0001:${KEY}`,
        unit_id: viewers[variant],
        variant,
        triggered: true,
        counterfactual: variant === 'control',
        exposed_at_ms: FIXED_WALL_MS,
        serving,
      });
      expect(exposure.version_vector.params).toBe(result.query.params.version);
      expect(payload.assignments.find((a) => a.experiment_key === KEY)).toMatchObject({
        unit_id: viewers[variant],
        variant,
        hash_version: 2,
        eligibility_version: 1,
      });
    }
    // Retrieval supplying ≥ 100 candidates: not triggered, in either arm.
    const plenty = await runForYou(world, adapters, { viewerId: viewers.control! }, undefined, experiments);
    const payload = experiments.exposureEffect(plenty.query, plenty.record, serving)!.work({
      query: plenty.query,
      selected: plenty.selected,
      notSelected: [],
    }).payload as ExperimentExposures;
    expect(payload.exposures.find((e) => e.experiment_key === KEY)).toMatchObject({
      triggered: false,
      counterfactual: false,
    });
  });

  it('takes a killed arm out at once: control params, no exposure for that experiment', async () => {
    kills = buildKillSwitchState([
      {
        schema_version: KILL_RECORD_SCHEMA_VERSION,
        kill_id: 'kill-1',
        experiment_key: KEY,
        variant: 'treatment',
        reason: 'test',
        actor: 'tester',
        automatic: false,
        created_at_ms: FIXED_WALL_MS,
      },
    ]);
    const result = await runForYou(
      world,
      withoutRetrieval(),
      { viewerId: viewers.treatment! },
      undefined,
      experiments,
    );
    expect(result.query.params.values.recentEngagedAuthors.enabled).toBe(false);
    expect(result.query.experiments.map((a) => a.experimentKey)).not.toContain(KEY);
    const effect = experiments.exposureEffect(result.query, result.record, serving);
    const exposed = (effect?.exposures ?? []).map((e) => e.experiment_key);
    expect(exposed).not.toContain(KEY);
  });

  it('records nothing for debug requests or requests in no experiment', async () => {
    const debug = await runForYou(
      world,
      adapters,
      { viewerId: viewers.treatment!, debug: true },
      undefined,
      experiments,
    );
    expect(experiments.exposureEffect(debug.query, debug.record, serving)).toBeNull();
    // An unknown viewer fails the source experiment's eligibility (aa-calibration has none: it is in that one).
    const unknown = await runForYou(world, adapters, { viewerId: 'nobody-here' }, undefined, experiments);
    expect(unknown.query.experiments.map((a) => a.experimentKey)).toEqual(['aa-calibration']);
    const none = new Experiments({ definitions: [], metrics: new HomeMixerMetrics() });
    const plain = await runForYou(world, adapters, { viewerId: viewers.treatment! }, undefined, none);
    expect(plain.query.experiments).toEqual([]);
    expect(plain.query.versionVector.experiments).toBeUndefined();
    expect(none.exposureEffect(plain.query, plain.record, serving)).toBeNull();
  });
});
