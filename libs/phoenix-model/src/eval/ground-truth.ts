import { type ActionHistory, isPositiveEngagement, type World } from '@foryou/world';
import type { PostCorpus } from '../towers/corpus';

/** A slice of evaluated users. */
export type Slice = 'new' | 'established';

/** What the offline protocol knows about one user at the cutoff. */
export interface EvalUser {
  readonly userId: string;
  readonly slice: Slice;
  /** Positive engagements before the cutoff. */
  readonly trainPositives: number;
  /** R: posts with a positive engagement at or after the cutoff. */
  readonly relevant: ReadonlySet<string>;
  /** Rows no method may return: already impressed before the cutoff, own posts, blocked/muted authors' posts. */
  readonly excluded: (row: number) => boolean;
}

export interface GroundTruth {
  /** Users with |R| > 0, in world order, before sampling. */
  readonly users: readonly EvalUser[];
  /** Users left out because |R| = 0 (no held-out positive): counted, never averaged. */
  readonly noRelevant: number;
  /** Corpus rows by descending count of positive train engagements (ties: newer, then id): MostPop. */
  readonly popularity: Int32Array;
}

/**
 * Builds the time-split ground truth: train = events before `history.trainCutoffMs`, R = held-out
 * positive engagements. A user is "new" when they have fewer than `newUserMinPositives` positive
 * train engagements.
 */
export function buildGroundTruth(
  world: World,
  corpus: PostCorpus,
  history: ActionHistory,
  newUserMinPositives: number,
): GroundTruth {
  const cutoff = history.trainCutoffMs;
  const seen = new Map<string, Set<number>>();
  const relevant = new Map<string, Set<string>>();
  const counts = new Float64Array(corpus.size);
  for (const e of history.events) {
    const row = corpus.rowOf.get(e.postId);
    if (row === undefined) {
      continue;
    }
    if (e.atMs < cutoff) {
      let s = seen.get(e.viewerId);
      if (!s) {
        s = new Set();
        seen.set(e.viewerId, s);
      }
      s.add(row);
      if (isPositiveEngagement(e)) {
        counts[row] = counts[row]! + 1;
      }
    } else if (isPositiveEngagement(e)) {
      let r = relevant.get(e.viewerId);
      if (!r) {
        r = new Set();
        relevant.set(e.viewerId, r);
      }
      r.add(e.postId);
    }
  }
  const users: EvalUser[] = [];
  let noRelevant = 0;
  for (const userId of world.users.keys()) {
    const r = relevant.get(userId);
    if (!r || r.size === 0) {
      noRelevant += 1;
      continue;
    }
    const trainPositives = history.positiveCount(userId, cutoff);
    const seenRows = seen.get(userId) ?? new Set<number>();
    const blocked = world.blocked(userId);
    const muted = world.muted(userId);
    users.push({
      userId,
      slice: trainPositives < newUserMinPositives ? 'new' : 'established',
      trainPositives,
      relevant: r,
      excluded: (row) => {
        const author = corpus.authorIds[row]!;
        return seenRows.has(row) || author === userId || blocked.has(author) || muted.has(author);
      },
    });
  }
  const popularity = Int32Array.from({ length: corpus.size }, (_, i) => i).sort(
    (a, b) =>
      counts[b]! - counts[a]! ||
      corpus.createdAtMs[b]! - corpus.createdAtMs[a]! ||
      (corpus.ids[a]! < corpus.ids[b]! ? -1 : 1),
  );
  return { users, noRelevant, popularity };
}

/** FNV-1a of (seed, id): a seeded, order-independent sampling key. */
function sampleKey(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

/** At most `perSlice` users of each slice, chosen by a seeded hash (deterministic, unbiased by id order). */
export function sampleUsers(users: readonly EvalUser[], perSlice: number, seed: number): EvalUser[] {
  const out: EvalUser[] = [];
  for (const slice of ['new', 'established'] as const) {
    out.push(
      ...users
        .filter((u) => u.slice === slice)
        .map((u) => ({ u, key: sampleKey(u.userId, seed) }))
        .sort((a, b) => a.key - b.key || (a.u.userId < b.u.userId ? -1 : 1))
        .slice(0, perSlice)
        .map(({ u }) => u),
    );
  }
  return out;
}
