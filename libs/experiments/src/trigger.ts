import type { Trigger } from './definition';

/**
 * Per-request facts a trigger reads. They must be computed the same way in EVERY arm, before and
 * independently of what the treatment does, or the triggered population differs between arms (book
 * 6.7.5). null = not computed for this request (the predicate is then false in every arm).
 */
export interface TriggerSignals {
  /**
   * Out-of-network candidates the request obtained from retrieval, counted before filtering and before
   * any experimental source adds candidates. A failed or timed-out retrieval counts 0 (supply IS short).
   */
  readonly outOfNetworkSupply: number | null;
  /** Distinct authors in the viewer's recent action sequence (engagements), hydrated in every arm. */
  readonly recentEngagedAuthors: number | null;
}

/** True when every predicate of the trigger holds (`always` holds for every request). */
export function evaluateTrigger(trigger: Trigger, signals: TriggerSignals): boolean {
  if (trigger.always === true) {
    return true;
  }
  if (trigger.out_of_network_supply_below !== undefined) {
    if (
      signals.outOfNetworkSupply === null ||
      !(signals.outOfNetworkSupply < trigger.out_of_network_supply_below)
    ) {
      return false;
    }
  }
  if (trigger.min_recent_engaged_authors !== undefined) {
    if (
      signals.recentEngagedAuthors === null ||
      !(signals.recentEngagedAuthors >= trigger.min_recent_engaged_authors)
    ) {
      return false;
    }
  }
  return true;
}
