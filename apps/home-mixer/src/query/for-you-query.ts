import type { CachedPost, ServedHistoryEntry } from '@foryou/feed-state';
import type { Known, QueryBase } from '@foryou/candidate-pipeline';
import type { VersionVector } from '@foryou/contracts';
import type { ExperimentAssignment } from '@foryou/experiments';
import type { Action } from '@foryou/world';
import type { ParamsSnapshot } from '../params/feed-params';

/** How this request's viewer was assigned in one experiment (see `assign` in @foryou/experiments). */
export type { ExperimentAssignment };

/** One of the viewer's recent engagements: the input of Phoenix's user tower. */
export interface UserAction {
  readonly postId: string;
  readonly action: Action;
  readonly atMs: number;
}

export type { CachedPost, ServedHistoryEntry } from '@foryou/feed-state';

/**
 * The internal request: built once by the QueryBuilder at the entry and frozen there (identity, params
 * snapshot, experiments, version vector, deadline inputs); query hydrators only fill the `Known` facts.
 * Facts a fail-closed filter relies on default to `unknown`, never to "empty".
 */
export interface ForYouQuery extends QueryBase {
  readonly requestId: string;
  readonly viewerId: string;
  readonly surface: 'for_you';
  readonly limit: number;
  /** Real wall time of the request (ms since epoch): served-history times and windows. */
  readonly requestTimeMs: number;
  /** The same instant in the content store's frame: post ages and retention windows. */
  readonly contentTimeMs: number;
  /** The params snapshot with the overrides of the viewer's experiment variants already applied. */
  readonly params: ParamsSnapshot;
  /** The experiments this request is in (`inAnalysis` assignments only), by experiment key. */
  readonly experiments: readonly ExperimentAssignment[];
  readonly versionVector: VersionVector;
  /** Whether the viewer exists in the user store (an unknown viewer still gets a valid feed). */
  readonly viewerKnown: boolean;
  /** The debug endpoint runs the pipeline without side effects. */
  readonly debug: boolean;
  /** Posts the client reports as already seen (`seen_ids`); PreviouslySeenFilter drops them. */
  readonly seenIds: ReadonlySet<string>;
  /** The viewer's recent engagements, newest first (UserActionSequenceQueryHydrator). */
  readonly actionSequence: Known<readonly UserAction[]>;
  /**
   * Distinct authors of the posts in `actionSequence`, most recent first (same hydrator, every arm):
   * RecentEngagedAuthorsSource's input and an experiment trigger signal.
   */
  readonly recentEngagedAuthors: Known<readonly string[]>;
  readonly followedIds: Known<ReadonlySet<string>>;
  readonly blockedIds: Known<ReadonlySet<string>>;
  readonly mutedIds: Known<ReadonlySet<string>>;
  readonly servedHistory: Known<readonly ServedHistoryEntry[]>;
  readonly cachedPosts: Known<readonly CachedPost[]>;
}
