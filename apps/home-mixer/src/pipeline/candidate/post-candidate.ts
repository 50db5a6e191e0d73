import type { CandidateBase, FieldResult } from '@foryou/candidate-pipeline';
import type { ServedType } from '@foryou/contracts';
import type { Action, SafetyLabel } from '@foryou/world';

export interface CoreData {
  readonly authorId: string;
  readonly createdAtMs: number;
  readonly kind: 'original' | 'reply' | 'repost' | 'video';
  readonly topic: number;
}

/** Brand-safety verdict used by the ads blender (x-algorithm: Safe / LowRisk / MediumRisk). */
export type BrandSafety = 'safe' | 'low_risk' | 'medium_risk';

/**
 * A feed candidate: a post or an ad. Each field has one owner (the component that sets it); the ledger
 * records which. Optional fields are unset until their stage runs.
 */
export interface FeedCandidate extends CandidateBase {
  readonly id: string;
  readonly type: 'post' | 'ad';
  readonly servedType: ServedType;
  /** Known at the source for in-network posts and ads; else from core data. */
  readonly authorId?: string;
  readonly inNetwork?: boolean;
  /** Set by CoreDataHydrator. */
  readonly core?: FieldResult<CoreData>;
  /** Set by SafetyLabelHydrator: `present` with a label, or why it is unknown. */
  readonly safety?: FieldResult<SafetyLabel>;
  /** Set by BrandSafetyHydrator (post-selection). Missing → treated as medium risk by the blender. */
  readonly brandSafety?: BrandSafety;
  /** Set by PhoenixScorer. */
  readonly predictions?: Readonly<Record<Action, number>>;
  readonly modelVersion?: string;
  /** Set by WeightedScorer: the ranking score. */
  readonly weightedScore?: number;
  readonly score?: number;
  /** Score carried over from the candidate cache (cached posts only). */
  readonly cachedScore?: number;
}
