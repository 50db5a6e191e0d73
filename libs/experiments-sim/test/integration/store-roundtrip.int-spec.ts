/**
 * One simulated run end-to-end through PostgreSQL: its assignments, exposures and outcomes are
 * written with ExperimentStore into a fresh scratch database, attributed with attributeOutcomes, and
 * analysed with ExperimentAnalysis; the SQL moments, counts and p-values must equal the in-memory
 * ones (1e-9 relative). Needs PostgreSQL (EXPERIMENTS_STORE_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), like the experiments-store integration specs.
 */
import { loadExperiments, type ExperimentDefinition } from '@foryou/experiments';
import { checkSqlPathInScratchDatabase, simulateRun, type SimulatedRun } from '@foryou/experiments-sim';
import { generateWorld, type World } from '@foryou/world';
import { join } from 'node:path';

jest.setTimeout(60_000);

describe('the SQL path agrees with the in-memory simulation', () => {
  let world: World;
  let definition: ExperimentDefinition;
  const windowMs = (d: ExperimentDefinition): number => d.attribution_window_hours * 3_600_000;

  beforeAll(async () => {
    world = generateWorld({ seed: 42, scale: 'small' });
    const definitions = await loadExperiments(join(__dirname, '..', '..', '..', '..', 'experiments'));
    definition = definitions.find((d) => d.key === 'aa-calibration')!;
  });

  const simulate = (salt: string, plantedLift = 0): SimulatedRun =>
    simulateRun({ world, definition, salt, impressionsPerUnit: 20, plantedLift, collectEvents: true });

  it('matches moments, counts and p-values of an A/A run on the whole small world', async () => {
    const run = simulate('sql-aa');
    const check = await checkSqlPathInScratchDatabase(run, { attributionWindowMs: windowMs(definition) });
    expect(check.mismatches).toEqual([]);
    expect(check.agrees).toBe(true);
    expect(check.pValueRelativeError).toBeLessThanOrEqual(1e-9);
    expect(check.sqlMoments).toEqual(check.memoryMoments); // integer sums: exact
    expect(check.sqlAssigned).toEqual(run.arms.map((a) => a.assigned));
    const events = run.events!;
    expect(check.ingested.assignments.inserted).toBe(events.assignments.length);
    expect(check.ingested.exposures.inserted).toBe(events.exposures.length);
    expect(check.ingested.outcomes.inserted).toBe(events.outcomes.length);
    // every outcome is attributed to the exposure of its own request
    expect(check.attribution).toEqual({
      attributed: events.outcomes.length,
      byRequest: events.outcomes.length,
      byLatest: 0,
    });
  });

  it('matches a planted-effect run (a small p-value) just as well', async () => {
    const check = await checkSqlPathInScratchDatabase(simulate('sql-lift', 0.5), {
      attributionWindowMs: windowMs(definition),
    });
    expect(check.mismatches).toEqual([]);
    expect(check.memoryPValue).toBeLessThan(0.05);
    expect(check.pValueRelativeError).toBeLessThanOrEqual(1e-9);
  });

  it('NEGATIVE CONTROL: a lost outcome row is reported as a mismatch', async () => {
    const run = simulate('sql-aa');
    const events = run.events!;
    const lost = events.outcomes.findIndex((o) => o.eventType === 'favorite');
    const tampered: SimulatedRun = {
      ...run,
      events: { ...events, outcomes: events.outcomes.filter((_, i) => i !== lost) },
    };
    const check = await checkSqlPathInScratchDatabase(tampered, {
      attributionWindowMs: windowMs(definition),
    });
    expect(check.agrees).toBe(false);
    expect(check.mismatches.some((m) => m.includes('.sumY'))).toBe(true);
  });
});
