/**
 * The experiment events of a simulated run, built with the real event builders of
 * @foryou/experiments (`toAssignmentRecord`, `toExposureEvent`) and converted to the row shapes of
 * @foryou/experiments-store, so that one run can go through PostgreSQL (see `store-check.ts`).
 */
import {
  evaluateTrigger,
  toAssignmentRecord,
  toExposureEvent,
  type ExperimentAssignment,
  type Trigger,
} from '@foryou/experiments';
import type { AssignmentRow, ExposureRow, OutcomeRow } from '@foryou/experiments-store';
import { ACTIONS, type Engagement } from '@foryou/world';
import { outcomeValue } from './metric';

/** The rows a simulated run would have logged for its analysis population. */
export interface SimulatedEvents {
  readonly assignments: AssignmentRow[];
  readonly exposures: ExposureRow[];
  readonly outcomes: OutcomeRow[];
}

/** One feed request of a unit: the impressions served in it, in time order. */
export interface SimulatedRequest {
  readonly requestId: string;
  /** The request's serving time: its first impression's time. */
  readonly atMs: number;
  readonly impressions: readonly Engagement[];
}

export function emptyEvents(): SimulatedEvents {
  return { assignments: [], exposures: [], outcomes: [] };
}

/**
 * Whether a request is triggered. The simulator has no serving signals (out-of-network supply,
 * recent engaged authors), so only `always: true` triggers hold; analysis is intent-to-treat.
 */
export function simulatedTrigger(trigger: Trigger): boolean {
  return evaluateTrigger(trigger, { outOfNetworkSupply: null, recentEngagedAuthors: null });
}

/**
 * Appends one analysed unit's assignment, exposures (one per request) and outcomes (one per action
 * of every impression; value 1, or the dwell milliseconds for `dwell`) to `events`.
 */
export function appendUnitEvents(
  events: SimulatedEvents,
  unitId: string,
  assignment: ExperimentAssignment,
  requests: readonly SimulatedRequest[],
  context: {
    readonly assignedAtMs: number;
    readonly triggered: boolean;
    readonly versionVector: Readonly<Record<string, string>>;
  },
): void {
  const record = toAssignmentRecord(unitId, assignment, context.assignedAtMs);
  if (record === null) {
    return;
  }
  events.assignments.push({
    experimentKey: record.experiment_key,
    unitId: record.unit_id,
    variant: record.variant,
    layer: record.layer,
    bucket: record.bucket,
    hashVersion: record.hash_version,
    eligibilityVersion: record.eligibility_version,
    assignedAt: new Date(record.assigned_at_ms),
  });
  for (const request of requests) {
    const exposure = toExposureEvent(assignment, {
      unitId,
      requestId: request.requestId,
      triggered: context.triggered,
      versionVector: context.versionVector,
      exposedAtMs: request.atMs,
    });
    if (exposure === null) {
      continue;
    }
    events.exposures.push({
      exposureId: exposure.exposure_id,
      experimentKey: exposure.experiment_key,
      unitId: exposure.unit_id,
      variant: exposure.variant,
      requestId: exposure.request_id,
      triggered: exposure.triggered,
      counterfactual: exposure.counterfactual,
      versionVector: exposure.version_vector,
      exposedAt: new Date(exposure.exposed_at_ms),
    });
    for (const impression of request.impressions) {
      for (const action of ACTIONS) {
        if (!impression.actions.has(action)) {
          continue;
        }
        const occurredAt = new Date(impression.atMs);
        events.outcomes.push({
          clientEventId: `${request.requestId}:${impression.postId}:${action}`,
          unitId,
          eventType: action,
          value: outcomeValue(action, impression),
          postId: impression.postId,
          requestId: request.requestId,
          occurredAt,
          receivedAt: occurredAt,
        });
      }
    }
  }
}
