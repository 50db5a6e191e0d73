import type { BackoffOptions } from './types';

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based): exponential `baseMs·2^(attempt-1)`
 * capped at `capMs`, with "equal jitter" — uniformly in [d/2, d] — so retries of many graphs spread out but
 * never fire immediately. `random` must return values in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  { baseMs, capMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const d = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.round(d / 2 + random() * (d / 2));
}
