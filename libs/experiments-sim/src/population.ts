/**
 * The experiment population of a simulated run: the world's viewers, each assigned with the real
 * `assign()` of @foryou/experiments and an eligibility context taken from the world's user record.
 */
import {
  assign,
  type AssignmentContext,
  type AssignmentResult,
  type ExperimentAssignment,
  type KillAwareDefinition,
} from '@foryou/experiments';
import type { User, World } from '@foryou/world';

/** The surface every simulated request is served on. */
export const SIMULATED_SURFACE = 'for_you';

/**
 * Assignment function: the real `assign` by default. Tests substitute a deliberately broken one
 * (negative controls) to show that the calibration checks catch it.
 */
export type Assigner = (
  unitId: string,
  definitions: readonly KillAwareDefinition[],
  context: AssignmentContext,
) => AssignmentResult;

export interface PopulationUnit {
  readonly unitId: string;
  /** Position in `world.users` iteration order (the logging policy's viewer ordinal). */
  readonly ordinal: number;
  readonly assignment: ExperimentAssignment;
}

/**
 * What the serving side would know about a world viewer at the world's "now": a known viewer with its
 * account creation time, on the For You surface.
 */
export function eligibilityContext(world: World, user: User): AssignmentContext {
  return {
    nowMs: world.nowMs,
    viewerKnown: true,
    accountCreatedAtMs: user.createdAtMs,
    surface: SIMULATED_SURFACE,
  };
}

/** The number of viewers a run covers: `units` (the first ones in iteration order) or all of them. */
export function populationSize(world: World, units: number | undefined): number {
  const size = units ?? world.users.size;
  if (!Number.isInteger(size) || size < 1 || size > world.users.size) {
    throw new RangeError(`units must be an integer in [1, ${world.users.size}] (got ${String(units)})`);
  }
  return size;
}

/**
 * Assigns the first `size` viewers of the world (iteration order) to `definition`, one `assign` call
 * each with only this definition. Every status is kept; the analysis population is the
 * `inAnalysis` units.
 */
export function assignPopulation(
  world: World,
  definition: KillAwareDefinition,
  size: number,
  assigner: Assigner = assign,
): PopulationUnit[] {
  const out: PopulationUnit[] = [];
  for (const user of world.users.values()) {
    if (out.length >= size) {
      break;
    }
    const result = assigner(user.id, [definition], eligibilityContext(world, user));
    const assignment = result.assignments.find((a) => a.experimentKey === definition.key);
    if (assignment === undefined) {
      throw new Error(`assigner returned no assignment of ${definition.key} for ${user.id}`);
    }
    out.push({ unitId: user.id, ordinal: out.length, assignment });
  }
  return out;
}
