/** Prometheus-style durations as used by SLO windows: a whole number of s, m, h or d. */
const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
type Unit = keyof typeof UNITS;

const DURATION = /^(\d+)([smhd])$/;

export class DurationError extends Error {
  override readonly name = 'DurationError';
}

/** `5m` → 300. Throws DurationError on anything that is not one integer and one unit. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) {
    throw new DurationError(`invalid duration '${text}' (want an integer and one of s, m, h, d)`);
  }
  return Number(match[1]) * UNITS[match[2] as Unit];
}

/** 300 → `5m`; the largest unit that divides the value exactly. */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new DurationError(`cannot format ${seconds} s as a Prometheus duration`);
  }
  for (const unit of ['d', 'h', 'm'] as const) {
    if (seconds % UNITS[unit] === 0) {
      return `${seconds / UNITS[unit]}${unit}`;
    }
  }
  return `${seconds}s`;
}

/**
 * A window divided by the drill factor (`1h` ÷ 60 → `1m`). Refuses results that are not whole
 * seconds, so a drill rule set never silently rounds a window.
 */
export function divideDuration(text: string, divisor: number): string {
  const seconds = parseDuration(text) / divisor;
  if (!Number.isInteger(seconds)) {
    throw new DurationError(`${text} ÷ ${divisor} is not a whole number of seconds`);
  }
  return formatDuration(seconds);
}
