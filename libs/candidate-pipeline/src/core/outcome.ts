/** Why a component failed. A small, closed taxonomy: metric labels use it, so it must stay bounded. */
export type ErrorKind =
  | 'dependency_unavailable'
  | 'dependency_error'
  | 'invalid_response'
  | 'alignment_violation'
  | 'resource_exhausted'
  | 'internal';

export const ERROR_KINDS: readonly ErrorKind[] = [
  'dependency_unavailable',
  'dependency_error',
  'invalid_response',
  'alignment_violation',
  'resource_exhausted',
  'internal',
];

/** What a component returns: a value or a typed failure. Components do not throw for expected failures. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Failure };

export interface Failure {
  readonly kind: ErrorKind;
  readonly message: string;
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(kind: ErrorKind, message: string): Result<T> {
  return { ok: false, error: { kind, message } };
}

/**
 * The runner's verdict on one component call. `empty` (ran fine, produced nothing) and `error` are
 * never confused; `partial` delivered a valid but incomplete answer (e.g. a store that ran out of time);
 * `timeout` means the deadline fired, `cancelled` that the request was aborted.
 */
export type ComponentStatus = 'ok' | 'empty' | 'partial' | 'error' | 'timeout' | 'cancelled' | 'disabled';

export const COMPONENT_STATUSES: readonly ComponentStatus[] = [
  'ok',
  'empty',
  'partial',
  'error',
  'timeout',
  'cancelled',
  'disabled',
];

export type ComponentOutcome =
  | { readonly status: 'ok' | 'empty' | 'timeout' | 'cancelled' | 'disabled' }
  | { readonly status: 'partial'; readonly message: string }
  | { readonly status: 'error'; readonly errorKind: ErrorKind; readonly message: string };

/** True for outcomes that mean the component did not deliver what it promised (`partial` delivered some). */
export function isFailure(outcome: ComponentOutcome): boolean {
  return outcome.status === 'error' || outcome.status === 'timeout' || outcome.status === 'cancelled';
}
