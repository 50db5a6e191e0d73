import { ok, type Result } from '@foryou/candidate-pipeline';
import { ACTIONS, type Action, type World } from '@foryou/world';
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

export const RANKING_CLIENT = Symbol('RankingClient');

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A hand-set logistic model over public signals (viewer·post embedding affinity, in-network, author
 * popularity). Honest placeholder for the trained Phoenix ranker: its version says so.
 */
export class HeuristicRankingClient implements RankingClient {
  readonly modelVersion = 'heuristic-logistic-v1';

  constructor(private readonly _world: World) {}

  predict(request: RankingRequest): Promise<Result<RankingResponse>> {
    const { candidates } = request;
    const user = this._world.users.get(request.viewerId);
    const predictions = new Map<string, Record<Action, number>>();
    for (const c of candidates) {
      const post = this._world.posts.get(c.postId);
      let affinity = 0;
      if (user && post) {
        for (let d = 0; d < user.embedding.length; d++) {
          affinity += user.embedding[d]! * post.embedding[d]!;
        }
      }
      const popularity = Math.log1p(c.authorId ? this._world.followerCount(c.authorId) : 0) / 10;
      const z = AFFINITY_SLOPE * affinity + (c.inNetwork ? IN_NETWORK_BOOST : 0) + popularity;
      const row = {} as Record<Action, number>;
      for (const action of ACTIONS) {
        row[action] = sigmoid(BIAS[action] + (NEGATIVE.has(action) ? -z : z));
      }
      predictions.set(c.postId, row);
    }
    return Promise.resolve(ok({ modelVersion: this.modelVersion, predictions }));
  }
}

/** Logit slope of viewer·post affinity, and the extra logit of following the author. */
const AFFINITY_SLOPE = 4;
const IN_NETWORK_BOOST = 0.8;
const NEGATIVE: ReadonlySet<Action> = new Set(['not_interested', 'block_author', 'mute_author', 'report']);
const BIAS: Readonly<Record<Action, number>> = {
  favorite: -4,
  reply: -6,
  repost: -5.5,
  click: -3,
  dwell: -2,
  not_interested: -5,
  block_author: -8,
  mute_author: -7.5,
  report: -9,
};
