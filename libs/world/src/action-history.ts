import { type Action, type Engagement, generateEngagementLog } from './engagement';
import { type World } from './types';

/**
 * The one engagement log that Phoenix training, offline evaluation and serving-time action sequences
 * all read: `generateEngagementLog(world, ACTION_LOG)`. Changing these constants changes every model
 * trained on the log, so model artifacts record them.
 */
export const ACTION_LOG = Object.freeze({ seed: 7, impressionsPerUser: 30 });

/** Share of events (by time order) before the train/holdout cut. */
export const TRAIN_FRACTION = 0.8;

/**
 * Positive actions from strongest to weakest. An engagement's "strongest" positive action is the
 * first of these it contains; that is the action a recent-history entry carries.
 */
export const POSITIVE_ACTIONS: readonly Action[] = Object.freeze([
  'reply',
  'repost',
  'favorite',
  'click',
  'dwell',
] as const);

const NEGATIVE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'not_interested',
  'block_author',
  'mute_author',
  'report',
]);

/** One entry of a user's action sequence: the input of the user tower (and of `UserAction` on the wire). */
export interface RecentAction {
  readonly postId: string;
  readonly action: Action;
  readonly atMs: number;
}

/**
 * The strongest positive action of an engagement, or undefined when it is not a positive engagement.
 * Positive engagement: at least one positive action and no negative one (a favourite followed by a
 * report is not a signal of interest).
 */
export function strongestPositiveAction(e: Engagement): Action | undefined {
  for (const a of e.actions) {
    if (NEGATIVE_ACTIONS.has(a)) {
      return undefined;
    }
  }
  for (const a of POSITIVE_ACTIONS) {
    if (e.actions.has(a)) {
      return a;
    }
  }
  return undefined;
}

/** True iff the engagement is positive (see `strongestPositiveAction`). */
export function isPositiveEngagement(e: Engagement): boolean {
  return strongestPositiveAction(e) !== undefined;
}

/**
 * The world's engagement history with a time split. Train = events with `atMs < trainCutoffMs`,
 * holdout = the rest. Immutable; every query is O(log n + result) per user.
 */
export interface ActionHistory {
  /** Every event of the log, sorted by `atMs` (stable). */
  readonly events: readonly Engagement[];
  /** The time of the event at the TRAIN_FRACTION quantile (the 80th percentile of event time). */
  readonly trainCutoffMs: number;
  /**
   * The user's latest positive engagements strictly before `beforeMs`, newest first, at most `n`
   * (one entry per engagement, carrying its strongest positive action). Unknown user or n <= 0 → [].
   */
  recent(userId: string, n: number, beforeMs: number): RecentAction[];
  /** How many positive engagements the user has strictly before `beforeMs`. */
  positiveCount(userId: string, beforeMs: number): number;
}

/** A user's positive engagements in time order (columns, to keep 10^5..10^6 entries cheap). */
interface UserPositives {
  readonly times: number[];
  readonly postIds: string[];
  readonly actions: Action[];
}

class IndexedActionHistory implements ActionHistory {
  constructor(
    readonly events: readonly Engagement[],
    readonly trainCutoffMs: number,
    private readonly _byUser: ReadonlyMap<string, UserPositives>,
  ) {}

  recent(userId: string, n: number, beforeMs: number): RecentAction[] {
    const p = this._byUser.get(userId);
    if (!p || !(n > 0)) {
      return [];
    }
    const end = lowerBound(p.times, beforeMs);
    const out: RecentAction[] = [];
    for (let i = end - 1; i >= 0 && out.length < n; i--) {
      out.push({ postId: p.postIds[i]!, action: p.actions[i]!, atMs: p.times[i]! });
    }
    return out;
  }

  positiveCount(userId: string, beforeMs: number): number {
    const p = this._byUser.get(userId);
    return p ? lowerBound(p.times, beforeMs) : 0;
  }
}

/** Index of the first element >= x in an ascending array (its length when none). */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** Builds the history from a log sorted by `atMs` (RangeError otherwise); exposed for hand-made logs. */
export function indexActionHistory(events: readonly Engagement[]): ActionHistory {
  const byUser = new Map<string, UserPositives>();
  let last = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    if (!(e.atMs >= last)) {
      throw new RangeError('events must be sorted by atMs');
    }
    last = e.atMs;
    const action = strongestPositiveAction(e);
    if (action === undefined) {
      continue;
    }
    let p = byUser.get(e.viewerId);
    if (!p) {
      p = { times: [], postIds: [], actions: [] };
      byUser.set(e.viewerId, p);
    }
    p.times.push(e.atMs);
    p.postIds.push(e.postId);
    p.actions.push(action);
  }
  const cutoff =
    events.length === 0 ? Number.POSITIVE_INFINITY : events[Math.floor(TRAIN_FRACTION * events.length)]!.atMs;
  return new IndexedActionHistory(events, cutoff, byUser);
}

const cache = new WeakMap<World, ActionHistory>();

/**
 * The world's action history from `ACTION_LOG`, computed once per world object and cached (the
 * medium world's log has 300k events). Deterministic for the world's config.
 */
export function actionHistory(world: World): ActionHistory {
  let history = cache.get(world);
  if (!history) {
    history = indexActionHistory(generateEngagementLog(world, ACTION_LOG));
    cache.set(world, history);
  }
  return history;
}
