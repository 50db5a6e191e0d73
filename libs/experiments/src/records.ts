/**
 * Builds the experiment events from an assignment. Both builders return null for a unit outside the
 * analysis population (`inAnalysis: false`): holdout, out-of-range, out-of-ramp, ineligible and killed
 * units are never logged as a variant, so a kill can never leave exposures labelled with a treatment.
 */
import type { ExperimentAssignment } from './assign';
import { CONTROL } from './definition';
import {
  ASSIGNMENT_RECORD_SCHEMA_VERSION,
  EXPOSURE_EVENT_SCHEMA_VERSION,
  type AssignmentRecord,
  type ExposureEvent,
  type ServingFacts,
} from './events';

export function toAssignmentRecord(
  unitId: string,
  assignment: ExperimentAssignment,
  assignedAtMs: number,
): AssignmentRecord | null {
  if (!assignment.inAnalysis) {
    return null;
  }
  return {
    schema_version: ASSIGNMENT_RECORD_SCHEMA_VERSION,
    experiment_key: assignment.experimentKey,
    unit_id: unitId,
    variant: assignment.variant,
    layer: assignment.layer,
    bucket: assignment.bucket,
    hash_version: assignment.hashVersion,
    eligibility_version: assignment.eligibilityVersion,
    assigned_at_ms: assignedAtMs,
  };
}

/** Deterministic exposure id: one exposure per (request, experiment), so a retried log is deduplicated. */
export function exposureId(requestId: string, experimentKey: string): string {
  return `${requestId}:${experimentKey}`;
}

export interface ExposureInput {
  readonly unitId: string;
  readonly requestId: string;
  /** `evaluateTrigger(definition.trigger, signals)` for this request — computed in every arm. */
  readonly triggered: boolean;
  readonly versionVector: Readonly<Record<string, string>>;
  readonly exposedAtMs: number;
  /** What the request served, when known (serving metrics). */
  readonly serving?: ServingFacts;
}

/**
 * The exposure of one served request. `counterfactual` is true for a triggered request in control:
 * control did not act but records that the treatment would have.
 */
export function toExposureEvent(
  assignment: ExperimentAssignment,
  input: ExposureInput,
): ExposureEvent | null {
  if (!assignment.inAnalysis) {
    return null;
  }
  return {
    schema_version: EXPOSURE_EVENT_SCHEMA_VERSION,
    exposure_id: exposureId(input.requestId, assignment.experimentKey),
    experiment_key: assignment.experimentKey,
    unit_id: input.unitId,
    variant: assignment.variant,
    request_id: input.requestId,
    triggered: input.triggered,
    counterfactual: input.triggered && assignment.variant === CONTROL,
    version_vector: { ...input.versionVector },
    exposed_at_ms: input.exposedAtMs,
    ...(input.serving ? { serving: { ...input.serving } } : {}),
  };
}
