import type { Severity } from '../spec/schema';

/** SLI windows recorded for every SLO (Sloth's set); the period window is added to these. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number] | typeof SLO_PERIOD;

/** The SLO period: budgets and the period SLI are over 30 days (the workbook's factors assume it). */
export const SLO_PERIOD = '30d';
export const SLO_PERIOD_DAYS = 30;

/** One multi-window burn-rate condition: both windows above factor × budget. */
export interface BurnTier {
  readonly severity: Severity;
  readonly long: SliWindow;
  readonly short: SliWindow;
  readonly factor: number;
}

/**
 * SRE Workbook table 5-8 plus its 1d/2h ticket pair. Budget spent when a pair fires =
 * factor × long ÷ period: 14.4 × 1h/720h = 2 %, 6 × 6h/720h = 5 %, 3 × 24h/720h = 10 %, 1 × 72h/720h = 10 %.
 */
export const BURN_TIERS: readonly BurnTier[] = [
  { severity: 'page', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', factor: 6 },
  { severity: 'ticket', long: '1d', short: '2h', factor: 3 },
  { severity: 'ticket', long: '3d', short: '6h', factor: 1 },
];

/**
 * Production rules use the windows as named. A drill rule set divides every window (and every
 * `for`) by `divisor`, so a drill sees in minutes what production sees in hours; record names and
 * labels keep the production window names so dashboards and runbooks read the same.
 */
export interface RuleMode {
  readonly kind: 'production' | 'drill';
  readonly divisor: number;
}
export const PRODUCTION: RuleMode = { kind: 'production', divisor: 1 };
/** 1 production hour = 1 drill minute: 5m → 5s, 1h → 1m, 30d → 12h. Needs a 1 s scrape interval. */
export const DRILL: RuleMode = { kind: 'drill', divisor: 60 };
