import type {
  PhoenixRuntime,
  Prediction,
  RankInput,
  SearchBudget,
  SequenceAction,
} from '@foryou/phoenix-model';
import { PhoenixError } from '../errors/phoenix-error';

/** Request bounds; beyond them a call is INVALID_ARGUMENT. */
export const RANK_LIMITS = Object.freeze({ maxCandidates: 5_000, maxSequence: 10_000 });

/** Candidates scored between two checkpoints. */
const CHUNK = 256;

export interface RankQuery {
  readonly sequence: readonly SequenceAction[];
  readonly candidates: readonly RankInput[];
}

export interface RankResult {
  /** One per candidate, in request order. */
  readonly predictions: readonly Prediction[];
  /** Candidates answered with NaN (not in the corpus, or a non-finite feature). */
  readonly unscored: number;
  readonly modelVersion: string;
}

/**
 * Multi-head ranking. Each candidate's raw predictions depend only on the viewer's action sequence
 * and that candidate (candidate isolation; see PhoenixRuntime.predictBatch). A candidate the model
 * cannot score gets NaN for every action — it is never dropped, so the response stays aligned with
 * the request. Rank has no partial answer: out of time → DEADLINE_EXCEEDED.
 */
export class RankingService {
  constructor(private readonly _runtime: PhoenixRuntime) {}

  async rank(q: RankQuery, budget: SearchBudget): Promise<RankResult> {
    if (q.candidates.length > RANK_LIMITS.maxCandidates) {
      throw new PhoenixError('invalid_argument', `more than ${RANK_LIMITS.maxCandidates} candidates`);
    }
    if (q.sequence.length > RANK_LIMITS.maxSequence) {
      throw new PhoenixError(
        'invalid_argument',
        `action_sequence has more than ${RANK_LIMITS.maxSequence} entries`,
      );
    }
    const ctx = this._runtime.userContext(q.sequence);
    const predictions: Prediction[] = [];
    for (let start = 0; start < q.candidates.length; start += CHUNK) {
      if (start > 0) {
        await budget.checkpoint?.();
      }
      if (budget.expired()) {
        throw new PhoenixError(
          'deadline_exceeded',
          `deadline expired after ${start} of ${q.candidates.length} candidates`,
        );
      }
      predictions.push(...this._runtime.predictBatch(ctx, q.candidates.slice(start, start + CHUNK)));
    }
    const unscored = predictions.filter((p) => Object.values(p).some(Number.isNaN)).length;
    return { predictions, unscored, modelVersion: this._runtime.model.version };
  }
}
