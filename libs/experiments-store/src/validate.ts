import {
  OUTCOME_EVENT_TYPES,
  type AssignmentRow,
  type CovariateRow,
  type ExposureRow,
  type KillRow,
  type OutcomeEventType,
  type OutcomeRow,
  type TimeWindow,
} from './types';

/**
 * Input validation, done in TypeScript before anything is sent: a bad row would otherwise fail the
 * whole batch on a database constraint with a less helpful message. Throws RangeError naming the
 * batch, the row index and the field.
 */

const EVENT_TYPES: ReadonlySet<string> = new Set(OUTCOME_EVENT_TYPES);

function fail(what: string, index: number, field: string, detail: string): never {
  throw new RangeError(`${what}[${index}].${field}: ${detail}`);
}

function text(what: string, index: number, field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    fail(what, index, field, 'must be a non-empty string');
  }
}

function optionalText(what: string, index: number, field: string, value: unknown): void {
  if (value !== null && (typeof value !== 'string' || value.length === 0)) {
    fail(what, index, field, 'must be a non-empty string or null');
  }
}

function time(what: string, index: number, field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    fail(what, index, field, 'must be a valid Date');
  }
}

function integer(what: string, index: number, field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(what, index, field, `must be an integer ≥ ${min}`);
  }
}

function finite(what: string, index: number, field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(what, index, field, 'must be a finite number');
  }
}

function flag(what: string, index: number, field: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    fail(what, index, field, 'must be a boolean');
  }
}

export function validateAssignments(rows: readonly AssignmentRow[]): void {
  rows.forEach((r, i) => {
    const w = 'assignments';
    text(w, i, 'experimentKey', r.experimentKey);
    text(w, i, 'unitId', r.unitId);
    text(w, i, 'variant', r.variant);
    text(w, i, 'layer', r.layer);
    integer(w, i, 'bucket', r.bucket, 0);
    integer(w, i, 'hashVersion', r.hashVersion, Number.MIN_SAFE_INTEGER);
    integer(w, i, 'eligibilityVersion', r.eligibilityVersion, Number.MIN_SAFE_INTEGER);
    time(w, i, 'assignedAt', r.assignedAt);
  });
}

export function validateExposures(rows: readonly ExposureRow[]): void {
  rows.forEach((r, i) => {
    const w = 'exposures';
    text(w, i, 'exposureId', r.exposureId);
    text(w, i, 'experimentKey', r.experimentKey);
    text(w, i, 'unitId', r.unitId);
    text(w, i, 'variant', r.variant);
    optionalText(w, i, 'requestId', r.requestId);
    flag(w, i, 'triggered', r.triggered);
    if (r.counterfactual !== undefined) {
      flag(w, i, 'counterfactual', r.counterfactual);
    }
    if (
      r.versionVector !== undefined &&
      (typeof r.versionVector !== 'object' || r.versionVector === null || Array.isArray(r.versionVector))
    ) {
      fail(w, i, 'versionVector', 'must be a plain object');
    }
    time(w, i, 'exposedAt', r.exposedAt);
    if (r.latencyMs !== undefined && r.latencyMs !== null) {
      finite(w, i, 'latencyMs', r.latencyMs);
      if (r.latencyMs < 0) {
        fail(w, i, 'latencyMs', 'must be ≥ 0');
      }
    }
    for (const field of ['itemsReturned', 'requestedItems'] as const) {
      const value = r[field];
      if (value !== undefined && value !== null) {
        integer(w, i, field, value, 0);
      }
    }
  });
}

export function isOutcomeEventType(value: unknown): value is OutcomeEventType {
  return typeof value === 'string' && EVENT_TYPES.has(value);
}

export function validateOutcomes(rows: readonly OutcomeRow[]): void {
  rows.forEach((r, i) => {
    const w = 'outcomes';
    text(w, i, 'clientEventId', r.clientEventId);
    text(w, i, 'unitId', r.unitId);
    if (!isOutcomeEventType(r.eventType)) {
      fail(w, i, 'eventType', `must be one of ${OUTCOME_EVENT_TYPES.join(', ')}`);
    }
    if (r.value !== undefined) {
      finite(w, i, 'value', r.value);
    }
    optionalText(w, i, 'postId', r.postId);
    optionalText(w, i, 'requestId', r.requestId);
    time(w, i, 'occurredAt', r.occurredAt);
    time(w, i, 'receivedAt', r.receivedAt);
  });
}

export function validateKill(kill: KillRow): void {
  const w = 'kill';
  text(w, 0, 'killId', kill.killId);
  text(w, 0, 'experimentKey', kill.experimentKey);
  optionalText(w, 0, 'variant', kill.variant);
  text(w, 0, 'reason', kill.reason);
  text(w, 0, 'actor', kill.actor);
  flag(w, 0, 'automatic', kill.automatic);
  time(w, 0, 'createdAt', kill.createdAt);
}

export function validateCovariates(rows: readonly CovariateRow[]): void {
  rows.forEach((r, i) => {
    const w = 'covariates';
    text(w, i, 'experimentKey', r.experimentKey);
    text(w, i, 'metric', r.metric);
    text(w, i, 'unitId', r.unitId);
    finite(w, i, 'value', r.value);
  });
}

export function validateWindowMs(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new RangeError(`attribution window must be a positive integer of milliseconds, got ${windowMs}`);
  }
}

export function validateTimeWindow(window: TimeWindow | undefined): void {
  if (window === undefined) {
    return;
  }
  for (const [name, value] of [
    ['from', window.from],
    ['to', window.to],
  ] as const) {
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
      throw new RangeError(`window.${name} must be a valid Date`);
    }
  }
  if (window.from !== undefined && window.to !== undefined && window.from.getTime() > window.to.getTime()) {
    throw new RangeError('window.from must not be after window.to');
  }
}
