import type { KillRow, TimeWindow } from './types';

/** One analysis period: a window plus the kills that opened it (none for the first period). */
export interface AnalysisPeriod extends TimeWindow {
  /** 0-based position of the period. */
  readonly index: number;
  /** Kills at this period's `from` (empty for the first period). */
  readonly startedBy: readonly KillRow[];
}

/**
 * Splits `window` (half-open [from, to), unbounded where a bound is missing) at the kill times that
 * fall strictly inside it: n distinct kill times inside give n + 1 periods. A kill belongs to the
 * period it opens (`[kill, next)`), so the "before" period ends just before the kill. Kills of one
 * arm split the window just like kills of the whole experiment: both change what units experience.
 * Kills at the same instant open one period together; kills outside the window are ignored.
 */
export function splitAtKills(window: TimeWindow, kills: readonly KillRow[]): AnalysisPeriod[] {
  const from = window.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = window.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const byTime = new Map<number, KillRow[]>();
  for (const kill of kills) {
    const t = kill.createdAt.getTime();
    if (t > from && t < to) {
      const list = byTime.get(t) ?? [];
      list.push(kill);
      byTime.set(t, list);
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const periods: AnalysisPeriod[] = [];
  let start: Date | undefined = window.from;
  let startedBy: readonly KillRow[] = [];
  for (const t of times) {
    periods.push({ index: periods.length, from: start, to: new Date(t), startedBy });
    start = new Date(t);
    startedBy = byTime.get(t) ?? [];
  }
  periods.push({ index: periods.length, from: start, to: window.to, startedBy });
  return periods.map((p) => {
    // Drop undefined bounds so that a period is a plain TimeWindow.
    const { from: f, to: u, ...rest } = p;
    return { ...rest, ...(f === undefined ? {} : { from: f }), ...(u === undefined ? {} : { to: u }) };
  });
}
