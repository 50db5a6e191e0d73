/**
 * A hydrated field whose absence has a reason. Safety-relevant code must treat anything but `present`
 * as unknown and fail closed; `not_found` (the store has no value) and `dependency_error` (the store
 * could not be asked) are different facts and are reported differently.
 */
export type FieldResult<T> =
  | { readonly state: 'present'; readonly value: T }
  | { readonly state: 'not_found' }
  | { readonly state: 'forbidden' }
  | { readonly state: 'dependency_error'; readonly reason: string };

export type FieldState = FieldResult<unknown>['state'];

export const present = <T>(value: T): FieldResult<T> => ({ state: 'present', value });

/** A query-level fact that may not have been established (its hydrator failed or was disabled). */
export type Known<T> = { readonly state: 'known'; readonly value: T } | { readonly state: 'unknown' };

export const known = <T>(value: T): Known<T> => ({ state: 'known', value });
export const UNKNOWN: Known<never> = { state: 'unknown' };
