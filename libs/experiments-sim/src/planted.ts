/**
 * The planted effect: what a treatment does to the world's ground-truth engagement in a simulated
 * run. Exactly this is planted, per impression of a unit in the treatment arm and per planted action
 * a with world probability p = engagementProbabilities(world, viewer, post)[a]:
 *
 * - lift ≥ 0: the world's own draw (simulateEngagement) is kept; if it did not produce a, one extra
 *   independent uniform u adds a when u < q with q = (t − p)/(1 − p) and t = min(1, p·(1 + lift)).
 *   So P(a) = p + (1 − p)·q = t: the marginal becomes p·(1 + lift), capped at 1.
 * - −1 ≤ lift < 0: if the world's draw produced a, an extra uniform u removes it when u < −lift, so
 *   P(a) = p·(1 + lift) (thinning).
 *
 * Actions stay independent of each other (each extra draw is independent), and everything else of the
 * impression (other actions, dwell time, the impression itself) is untouched. One uniform is consumed
 * per (impression, planted action) whether or not it is needed, so for one salt the draws line up
 * across lifts: a larger lift adds a superset of actions (a monotone coupling).
 *
 * `dwell` cannot be planted: its value (dwell milliseconds) is drawn together with the action by the
 * world's model, so adding the action alone would plant a wrong value.
 */
import { type Action, type Engagement, type Rng } from '@foryou/world';

export interface PlantedEffect {
  /** Relative change of each planted action's probability: 0.1 = +10 %; must be ≥ −1. */
  readonly lift: number;
  /** Actions whose probabilities are multiplied by (1 + lift); never `dwell`. */
  readonly actions: readonly Action[];
}

/**
 * Expected planted-action counts over the impressions a plant was applied to: the exact expected
 * effect on the metric given the impressions, used as the true effect by the power check.
 */
export interface PlantTally {
  /** Impressions the effect was applied to. */
  impressions: number;
  /** Σ p over impressions and planted actions (the expected count without the effect). */
  baseExpected: number;
  /** Σ min(1, p·(1 + lift)) over the same (the expected count with it). */
  plantedExpected: number;
  /** (impression, action) pairs whose target probability was capped at 1. */
  capped: number;
}

export function emptyTally(): PlantTally {
  return { impressions: 0, baseExpected: 0, plantedExpected: 0, capped: 0 };
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addTally(a: PlantTally, b: Readonly<PlantTally>): PlantTally {
  a.impressions += b.impressions;
  a.baseExpected += b.baseExpected;
  a.plantedExpected += b.plantedExpected;
  a.capped += b.capped;
  return a;
}

/** Throws RangeError unless the effect can be planted as documented above. */
export function validatePlantedEffect(effect: PlantedEffect): void {
  if (!Number.isFinite(effect.lift) || effect.lift < -1) {
    throw new RangeError(`planted lift must be a finite number ≥ −1 (got ${effect.lift})`);
  }
  if (effect.actions.includes('dwell')) {
    throw new RangeError('dwell cannot be planted: its value is drawn with the action by the world model');
  }
  if (new Set(effect.actions).size !== effect.actions.length) {
    throw new RangeError('planted actions must be distinct');
  }
}

/** Target marginal probability of a planted action: min(1, p·(1 + lift)). */
export function plantedProbability(p: number, lift: number): number {
  return Math.min(1, p * (1 + lift));
}

/**
 * The impression with the effect planted (a new object when anything changed). `probabilities` are
 * the world's ground-truth action probabilities of this impression; `rng` is the unit's planted
 * stream; `tally` accumulates the expected counts.
 */
export function plantEffect(
  engagement: Engagement,
  probabilities: Readonly<Record<Action, number>>,
  effect: PlantedEffect,
  rng: Rng,
  tally: PlantTally,
): Engagement {
  tally.impressions += 1;
  let actions: Set<Action> | null = null;
  for (const action of effect.actions) {
    const u = rng.next();
    const p = probabilities[action];
    const target = plantedProbability(p, effect.lift);
    tally.baseExpected += p;
    tally.plantedExpected += target;
    if (p * (1 + effect.lift) > 1) {
      tally.capped += 1;
    }
    const present = engagement.actions.has(action);
    if (effect.lift >= 0) {
      if (!present && p < 1 && u < (target - p) / (1 - p)) {
        actions ??= new Set(engagement.actions);
        actions.add(action);
      }
    } else if (present && u < -effect.lift) {
      actions ??= new Set(engagement.actions);
      actions.delete(action);
    }
  }
  return actions === null ? engagement : { ...engagement, actions };
}
