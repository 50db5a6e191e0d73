/**
 * One dependency as readiness sees it. `required` probes gate readiness; the others are reported only
 * (fail-open dependencies such as Thunder or Phoenix must not take home-mixer out of rotation: it still
 * serves a degraded feed without them).
 */
export interface DependencyProbe {
  readonly name: string;
  readonly required: boolean;
  /** `ok`, or why not. Must resolve within `timeoutMs` (the caller enforces it). */
  check(): Promise<string>;
}

export const DEPENDENCY_PROBES = Symbol('DependencyProbes');
