import { CONTROL, type ExperimentDefinition } from '@foryou/experiments';
import type { KillInput, WindowInput } from './inputs';

/**
 * Which arms are compared over which time: pure functions of the definition, the window and the kills.
 * A kill of an arm ends that arm; a kill of control or of the whole experiment (variant null) ends
 * every arm (killing control kills the experiment, `libs/experiments` README "Kills").
 */

/** Arms in analysis order: control first, then the other variants in definition order. */
export function armOrder(definition: Pick<ExperimentDefinition, 'variants'>): string[] {
  const keys = definition.variants.map((v) => v.key);
  return [CONTROL, ...keys.filter((k) => k !== CONTROL)];
}

function ms(iso: string | null, unbounded: number): number {
  return iso === null ? unbounded : Date.parse(iso);
}

/** True when `kill` stops `arm` from being served. */
export function killEnds(kill: Pick<KillInput, 'variant'>, arm: string): boolean {
  return kill.variant === null || kill.variant === CONTROL || kill.variant === arm;
}

/** Arms still served at time `at` (ISO; null = the beginning of time): no kill ending them at or before it. */
export function activeArms(
  arms: readonly string[],
  kills: readonly KillInput[],
  at: string | null,
): string[] {
  const t = ms(at, Number.NEGATIVE_INFINITY);
  return arms.filter((arm) => !kills.some((k) => killEnds(k, arm) && Date.parse(k.at) <= t));
}

/** The configured weight of each arm, or 0 for an arm that is not active at `at` (SRM weights). */
export function activeWeights(
  definition: Pick<ExperimentDefinition, 'variants'>,
  arms: readonly string[],
  kills: readonly KillInput[],
  at: string | null,
): number[] {
  const active = new Set(activeArms(arms, kills, at));
  const weight = new Map(definition.variants.map((v) => [v.key, v.weight]));
  return arms.map((arm) => (active.has(arm) ? (weight.get(arm) ?? 0) : 0));
}

export interface ComparisonWindow extends WindowInput {
  /** control first, then the treatments compared over this window. */
  readonly arms: readonly string[];
}

/**
 * Each treatment is compared with control from the window start to the first kill that ends it or
 * control (strictly inside the window), else to the window end. Treatments sharing an end share a
 * window. A treatment already ended at the window start is not compared at all.
 */
export function comparisonWindows(
  arms: readonly string[],
  window: WindowInput,
  kills: readonly KillInput[],
): ComparisonWindow[] {
  const [control, ...treatments] = arms;
  if (control === undefined) {
    return [];
  }
  const from = ms(window.from, Number.NEGATIVE_INFINITY);
  const to = ms(window.to, Number.POSITIVE_INFINITY);
  const groups = new Map<string, string[]>();
  for (const treatment of treatments) {
    const ending = kills.filter((k) => killEnds(k, treatment)).map((k) => Date.parse(k.at));
    if (ending.some((t) => t <= from)) {
      continue;
    }
    const inside = ending.filter((t) => t < to);
    const end = inside.length > 0 ? new Date(Math.min(...inside)).toISOString() : window.to;
    const key = end ?? '';
    groups.set(key, [...(groups.get(key) ?? []), treatment]);
  }
  return [...groups.entries()].map(([end, group]) => ({
    from: window.from,
    to: end === '' ? null : end,
    arms: [control, ...group],
  }));
}
