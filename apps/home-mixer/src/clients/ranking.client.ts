import type { Result } from '@foryou/candidate-pipeline';
import type { Action } from '@foryou/world';
import type { UserAction } from '../query/for-you-query';
import type { CallContext } from './call-context';

export interface RankingCandidate {
  readonly postId: string;
  readonly authorId: string | undefined;
  readonly inNetwork: boolean;
}

export interface RankingResponse {
  readonly modelVersion: string;
  /**
   * Per post id: probability per action; an action may be missing or NaN (the model could not score
   * it). A candidate's predictions depend only on the viewer and itself.
   */
  readonly predictions: ReadonlyMap<string, Readonly<Partial<Record<Action, number>>>>;
}

export interface RankingRequest {
  readonly viewerId: string;
  readonly actionSequence: readonly UserAction[];
  readonly candidates: readonly RankingCandidate[];
  readonly call: CallContext;
}

/** The Phoenix ranking role: multi-head engagement predictions per candidate. */
export interface RankingClient {
  predict(request: RankingRequest): Promise<Result<RankingResponse>>;
}
