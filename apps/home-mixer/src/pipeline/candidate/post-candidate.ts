import type { CandidateBase, FieldResult } from '@foryou/candidate-pipeline';
import type { ServedType } from '@foryou/contracts';
import type { Action, SafetyLabel } from '@foryou/world';
import type { AuthorInfo } from '../../clients/user-store.client';

export interface CoreData {
  readonly authorId: string;
  readonly createdAtMs: number;
  readonly kind: 'original' | 'reply' | 'repost' | 'video';
  readonly topic: number;
  readonly text: string;
  readonly replyToPostId?: string;
  readonly repostOfPostId?: string;
  readonly videoDurationMs?: number;
}

export interface ScoreBreakdown {
  /** P(action) × weight per head. */
  readonly contributions: Readonly<Record<Action, number>>;
  /** Σ contributions. */
  readonly combined: number;
  /** After the negative-score offset (= weightedScore). */
  readonly afterOffset: number;
  /** 0-based rank of this post among its author's posts, by weighted score. */
  readonly authorRank: number;
  readonly diversityMultiplier: number;
  /** 1 for in-network, the out-of-network factor otherwise. */
  readonly oonFactor: number;
}

/** Brand-safety verdict used by the ads blender (x-algorithm: Safe / LowRisk / MediumRisk). */
export type BrandSafety = 'safe' | 'low_risk' | 'medium_risk';

/**
 * A feed candidate: a post or an ad. Each field has one owner (the component that sets it); the ledger
 * records which. Optional fields are unset until their stage runs.
 */
export interface FeedCandidate extends CandidateBase {
  readonly id: string;
  readonly type: 'post' | 'ad' | 'who_to_follow';
  readonly servedType: ServedType;
  /** Known at the source for in-network posts and ads; else from core data. */
  readonly authorId?: string;
  readonly inNetwork?: boolean;
  /** Set for reposts (by ThunderSource or CoreDataHydrator): the original post's id. */
  readonly repostOfPostId?: string;
  /** Set for replies: the post replied to. */
  readonly replyToPostId?: string;
  /** Set by AuthorHydrator. */
  readonly author?: FieldResult<AuthorInfo>;
  /** Set by CoreDataHydrator. */
  readonly core?: FieldResult<CoreData>;
  /** Set by SafetyLabelHydrator: `present` with a label, or why it is unknown. */
  readonly safety?: FieldResult<SafetyLabel>;
  /** Set by BrandSafetyHydrator (post-selection). Missing → treated as medium risk by the blender. */
  readonly brandSafety?: BrandSafety;
  /** Set by PhoenixScorer. */
  readonly predictions?: Readonly<Record<Action, number>>;
  readonly modelVersion?: string;
  /** Set by WeightedScorer: how the score was built. */
  readonly scoreBreakdown?: ScoreBreakdown;
  /** Set by WeightedScorer: the ranking score. */
  readonly weightedScore?: number;
  readonly score?: number;
  /** Accounts suggested by a who-to-follow module. */
  readonly suggestedUserIds?: readonly string[];
  /** Score carried over from the candidate cache (cached posts only). */
  readonly cachedScore?: number;
}
