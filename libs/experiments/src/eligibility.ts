import type { Eligibility } from './definition';

const DAY_MS = 86_400_000;

/** What eligibility may look at: facts the serving side knows when the request arrives. */
export interface EligibilityContext {
  /** Request time (ms since epoch), for account ages. */
  readonly nowMs: number;
  /** The viewer exists in the user store (home-mixer's `ForYouQuery.viewerKnown`). */
  readonly viewerKnown: boolean;
  /** The viewer's account creation time, or null when unknown (then age predicates fail closed). */
  readonly accountCreatedAtMs: number | null;
  /** The surface being served (home-mixer: `for_you`). */
  readonly surface: string;
}

export type EligibilityPredicate =
  'known_viewer' | 'min_account_age_days' | 'max_account_age_days' | 'surfaces';

/**
 * Evaluates the predicate set (all must hold) and returns the predicates that FAILED, in a fixed order;
 * empty means eligible. An age predicate with an unknown creation time fails: eligibility is a gate,
 * and a unit that cannot be shown to qualify stays out.
 */
export function failedEligibility(eligibility: Eligibility, ctx: EligibilityContext): EligibilityPredicate[] {
  const failed: EligibilityPredicate[] = [];
  if (eligibility.known_viewer === true && !ctx.viewerKnown) {
    failed.push('known_viewer');
  }
  const ageDays = ctx.accountCreatedAtMs === null ? null : (ctx.nowMs - ctx.accountCreatedAtMs) / DAY_MS;
  if (
    eligibility.min_account_age_days !== undefined &&
    (ageDays === null || ageDays < eligibility.min_account_age_days)
  ) {
    failed.push('min_account_age_days');
  }
  if (
    eligibility.max_account_age_days !== undefined &&
    (ageDays === null || ageDays >= eligibility.max_account_age_days)
  ) {
    failed.push('max_account_age_days');
  }
  if (
    eligibility.surfaces !== undefined &&
    !(eligibility.surfaces as readonly string[]).includes(ctx.surface)
  ) {
    failed.push('surfaces');
  }
  return failed;
}
