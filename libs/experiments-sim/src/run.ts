/**
 * One simulated experiment run on the world's engagement simulator.
 *
 * 1. The definition's variant seed is re-salted to `<seed>/<salt>` (`resaltDefinition`).
 * 2. The first `units` world viewers are assigned with the real `assign()` (eligibility from the
 *    world's user record); the analysis population is the `inAnalysis` units.
 * 3. Impressions come from the world's logging policy (`generateEngagementLog`: scripted, 50 %
 *    in-network, 30 % topical, 20 % uniform) with responses drawn by `simulateEngagement`, seeded by
 *    the salt; the world derives each viewer's stream from that seed and the viewer's ordinal, so a
 *    unit's impressions depend only on (salt, unit).
 * 4. Units of the treatment arm get the planted effect (`planted.ts`), from their own stream seeded by
 *    (salt, unit).
 * 5. A unit's impressions are grouped into feed requests by time window (`requestWindowMs`, default
 *    one hour: impressions of the same window were served by the same request); one request is one
 *    exposure. The unit's metric is y = the primary metric's numerator over its impressions and
 *    x = its number of exposures (denominator `exposures`) or 1 (`units`).
 *
 * Returned per arm: the assignment count (SRM input) and the per-unit sufficient statistics
 * (n, Σy, Σy², Σx, Σx², Σxy) of the ITT population (assigned units with at least one exposure, as
 * in the SQL analysis). Pure: the same options give the same result.
 */
import { CONTROL, type AssignmentStatus, type ExperimentDefinition } from '@foryou/experiments';
import type { BivariateMoments, UnivariateMoments } from '@foryou/experiments-stats';
import {
  createRng,
  engagementProbabilities,
  generateEngagementLog,
  type Action,
  type Engagement,
  type World,
} from '@foryou/world';
import {
  appendUnitEvents,
  emptyEvents,
  simulatedTrigger,
  type SimulatedEvents,
  type SimulatedRequest,
} from './events';
import { impressionValue, isWorldAction, primaryMetric, type SimulatedMetric } from './metric';
import { BivariateAccumulator, UnivariateAccumulator } from './moments';
import {
  emptyTally,
  plantEffect,
  validatePlantedEffect,
  type PlantedEffect,
  type PlantTally,
} from './planted';
import { assignPopulation, populationSize, type Assigner } from './population';
import { resaltDefinition, streamSeed } from './salt';

/** Default request window: impressions of one viewer within the same hour form one request. */
export const DEFAULT_REQUEST_WINDOW_MS = 3_600_000;

export interface SimulateRunOptions {
  readonly world: World;
  readonly definition: ExperimentDefinition;
  /** Re-salts the variant seed and seeds every random stream of the run. */
  readonly salt: string;
  /** Impressions the logging policy draws per viewer (fewer only when a viewer runs out of posts). */
  readonly impressionsPerUnit: number;
  /** Relative lift planted in the treatment arm (see `planted.ts`); default 0 (an A/A run). */
  readonly plantedLift?: number;
  /**
   * Actions the lift applies to. Default: the primary metric's event types that the world simulates,
   * except `dwell`.
   */
  readonly plantedActions?: readonly Action[];
  /** The first `units` viewers of the world (iteration order); default all of them. */
  readonly units?: number;
  /** The arm compared with control (and the one a lift is planted in); default the first non-control variant. */
  readonly treatmentArm?: string;
  /** Width of the time windows that group impressions into requests; default one hour. */
  readonly requestWindowMs?: number;
  /** Also return the assignment, exposure and outcome rows (for the SQL path); default false. */
  readonly collectEvents?: boolean;
  /** Default: the real `assign`. Negative controls pass a broken one. */
  readonly assigner?: Assigner;
}

export interface ArmResult {
  readonly variant: string;
  readonly weight: number;
  /** Analysed units assigned to the arm (their AssignmentRecords): the SRM input. */
  readonly assigned: number;
  /** Per-unit (y = numerator, x = denominator) moments of the arm's ITT units. */
  readonly moments: BivariateMoments;
  /**
   * Moments of y per REQUEST, as if requests were independent units. This is the wrong unit of
   * analysis (requests of one viewer are correlated); it exists for the negative control and to
   * measure the design effect.
   */
  readonly exposureMoments: UnivariateMoments;
}

export interface PlantedRunSummary {
  readonly lift: number;
  readonly actions: readonly Action[];
  readonly arm: string;
  /** Expected planted-action counts over the treatment arm's impressions (the true effect). */
  readonly tally: Readonly<PlantTally>;
}

export interface SimulatedRun {
  readonly salt: string;
  /** The re-salted variant seed, `<seed>/<salt>`. */
  readonly seed: string;
  readonly experimentKey: string;
  readonly worldVersion: string;
  readonly metric: SimulatedMetric;
  readonly treatmentArm: string;
  /** In the definition's variant order. */
  readonly arms: readonly ArmResult[];
  /** Viewers assigned (all statuses). */
  readonly population: number;
  /** Viewers per assignment status. */
  readonly statusCounts: Readonly<Partial<Record<AssignmentStatus, number>>>;
  /** Arm index of each viewer in population order; −1 when not in the analysis population. */
  readonly unitArms: Int8Array;
  readonly planted: PlantedRunSummary | null;
  /** The logged rows, when `collectEvents` was set. */
  readonly events: SimulatedEvents | null;
}

/** The effect to plant, or null for none; throws RangeError for an invalid one. */
export function resolvePlantedEffect(
  metric: SimulatedMetric,
  lift: number | undefined,
  actions: readonly Action[] | undefined,
): PlantedEffect | null {
  if (lift === undefined || lift === 0) {
    return null;
  }
  const effect: PlantedEffect = {
    lift,
    actions: actions ?? metric.eventTypes.filter((t): t is Action => isWorldAction(t) && t !== 'dwell'),
  };
  validatePlantedEffect(effect);
  if (effect.actions.length === 0) {
    throw new RangeError(`metric ${metric.key} has no world action a lift can be planted on`);
  }
  return effect;
}

/** The arm compared with control: the given one (must exist, not control) or the first non-control. */
export function resolveTreatmentArm(definition: ExperimentDefinition, arm: string | undefined): string {
  const keys = definition.variants.map((v) => v.key);
  const chosen = arm ?? keys.find((k) => k !== CONTROL);
  if (chosen === undefined || chosen === CONTROL || !keys.includes(chosen)) {
    throw new RangeError(
      `treatment arm must be a non-control variant of ${definition.key} (got ${String(chosen)})`,
    );
  }
  return chosen;
}

/** Groups a unit's time-ordered impressions into requests by time window. */
export function groupRequests(
  impressions: readonly Engagement[],
  windowMs: number,
  requestPrefix: string,
): SimulatedRequest[] {
  const requests: SimulatedRequest[] = [];
  let current: { window: number; atMs: number; impressions: Engagement[] } | null = null;
  const flush = (): void => {
    if (current !== null) {
      requests.push({
        requestId: `${requestPrefix}:${current.window}`,
        atMs: current.atMs,
        impressions: current.impressions,
      });
    }
  };
  for (const impression of impressions) {
    const window = Math.floor(impression.atMs / windowMs);
    if (current === null || window !== current.window) {
      flush();
      current = { window, atMs: impression.atMs, impressions: [] };
    }
    current.impressions.push(impression);
  }
  flush();
  return requests;
}

function validateOptions(o: SimulateRunOptions): number {
  if (!Number.isInteger(o.impressionsPerUnit) || o.impressionsPerUnit < 1) {
    throw new RangeError(`impressionsPerUnit must be an integer ≥ 1 (got ${o.impressionsPerUnit})`);
  }
  const windowMs = o.requestWindowMs ?? DEFAULT_REQUEST_WINDOW_MS;
  if (!Number.isFinite(windowMs) || windowMs <= 0) {
    throw new RangeError(`requestWindowMs must be > 0 (got ${windowMs})`);
  }
  return windowMs;
}

/** Simulates one run; see the module comment for what exactly is simulated. */
export function simulateRun(options: SimulateRunOptions): SimulatedRun {
  const windowMs = validateOptions(options);
  const { world, salt } = options;
  const definition = resaltDefinition(options.definition, salt);
  const metric = primaryMetric(definition);
  const treatmentArm = resolveTreatmentArm(definition, options.treatmentArm);
  const effect = resolvePlantedEffect(metric, options.plantedLift, options.plantedActions);
  const size = populationSize(world, options.units);
  const variantKeys = definition.variants.map((v) => v.key);
  const treatmentIndex = variantKeys.indexOf(treatmentArm);

  const population = assignPopulation(world, definition, size, options.assigner);
  const log = generateEngagementLog(world, {
    seed: streamSeed('impressions', salt),
    impressionsPerUser: options.impressionsPerUnit,
    users: size,
  });
  const byViewer = new Map<string, Engagement[]>();
  for (const e of log) {
    const list = byViewer.get(e.viewerId);
    if (list === undefined) {
      byViewer.set(e.viewerId, [e]);
    } else {
      list.push(e);
    }
  }

  const assigned = variantKeys.map(() => 0);
  const unitMoments = variantKeys.map(() => new BivariateAccumulator());
  const requestMoments = variantKeys.map(() => new UnivariateAccumulator());
  const statusCounts: Partial<Record<AssignmentStatus, number>> = {};
  const unitArms = new Int8Array(population.length).fill(-1);
  const tally = emptyTally();
  const events = options.collectEvents === true ? emptyEvents() : null;
  const triggered = simulatedTrigger(definition.trigger);
  const versionVector = { world: world.version, salt };

  for (const unit of population) {
    const { assignment, unitId } = unit;
    statusCounts[assignment.status] = (statusCounts[assignment.status] ?? 0) + 1;
    if (!assignment.inAnalysis) {
      continue;
    }
    const arm = variantKeys.indexOf(assignment.variant);
    if (arm < 0) {
      throw new Error(`assignment of ${unitId} names unknown variant ${assignment.variant}`);
    }
    unitArms[unit.ordinal] = arm;
    assigned[arm] = (assigned[arm] ?? 0) + 1;
    let impressions = byViewer.get(unitId) ?? [];
    if (effect !== null && arm === treatmentIndex) {
      const rng = createRng(streamSeed('planted', salt, unitId));
      impressions = impressions.map((e) =>
        plantEffect(e, engagementProbabilities(world, unitId, e.postId), effect, rng, tally),
      );
    }
    const requests = groupRequests(impressions, windowMs, `${salt}:${unitId}`);
    if (events !== null) {
      appendUnitEvents(events, unitId, assignment, requests, {
        assignedAtMs: requests[0]?.atMs ?? world.nowMs,
        triggered,
        versionVector,
      });
    }
    if (requests.length === 0) {
      continue; // assigned but never exposed: not in the ITT population (as in SQL)
    }
    let y = 0;
    for (const request of requests) {
      let yRequest = 0;
      for (const impression of request.impressions) {
        yRequest += impressionValue(metric, impression);
      }
      requestMoments[arm]!.add(yRequest);
      y += yRequest;
    }
    unitMoments[arm]!.add(y, metric.denominator === 'exposures' ? requests.length : 1);
  }

  return {
    salt,
    seed: definition.seed,
    experimentKey: definition.key,
    worldVersion: world.version,
    metric,
    treatmentArm,
    arms: definition.variants.map((v, i) => ({
      variant: v.key,
      weight: v.weight,
      assigned: assigned[i] ?? 0,
      moments: unitMoments[i]!.moments(),
      exposureMoments: requestMoments[i]!.moments(),
    })),
    population: population.length,
    statusCounts,
    unitArms,
    planted:
      effect === null ? null : { lift: effect.lift, actions: effect.actions, arm: treatmentArm, tally },
    events,
  };
}
