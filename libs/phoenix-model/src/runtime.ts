import { ACTIONS, type Action, type World } from '@foryou/world';
import { sigmoid } from './math/vector';
import type { PhoenixModel } from './model';
import { FEATURE_COUNT, writeFeatures } from './ranking/features';
import { type RankerTrace, rankerForward, rankerScratch } from './ranking/ranker';
import { buildUserContext, type UserContext } from './ranking/user-context';
import { embedCorpus } from './towers/candidate-tower';
import { buildCorpus, type PostCorpus } from './towers/corpus';
import type { SequenceAction } from './towers/user-sequence';

/** Probability per action; NaN means "could not be scored" (see `PhoenixRuntime.predict`). */
export type Prediction = Readonly<Record<Action, number>>;

/** A candidate to rank: the post and whether the viewer follows its author. */
export interface RankInput {
  readonly postId: string;
  readonly inNetwork: boolean;
}

/** The model version does not belong to this corpus. */
export class CorpusMismatchError extends Error {
  override readonly name = 'CorpusMismatchError';
}

function unscored(): Record<Action, number> {
  const out = {} as Record<Action, number>;
  for (const a of ACTIONS) {
    out[a] = Number.NaN;
  }
  return out;
}

/**
 * A model bound to its corpus, with every post embedded by the candidate tower once. Read-only after
 * construction; safe to share between requests.
 */
export class PhoenixRuntime {
  // Scratch buffers reused by every prediction (JS runs one prediction at a time).
  private readonly _features = new Float32Array(FEATURE_COUNT);
  private readonly _trace: RankerTrace;

  private constructor(
    readonly model: PhoenixModel,
    readonly corpus: PostCorpus,
    /** corpus.size × embedDim unit vectors: row r is post r's candidate embedding. */
    readonly corpusEmbeddings: Float32Array,
  ) {
    this._trace = rankerScratch(model.spec);
  }

  /** Binds the model to the world's corpus; CorpusMismatchError when the model was trained on another world. */
  static create(model: PhoenixModel, world: World): PhoenixRuntime {
    if (model.corpusVersion !== world.version) {
      throw new CorpusMismatchError(
        `model ${model.version} is for ${model.corpusVersion}, not ${world.version}`,
      );
    }
    const corpus = buildCorpus(world, model.authors);
    return new PhoenixRuntime(model, corpus, embedCorpus(model.spec, model.params, corpus));
  }

  get embedDim(): number {
    return this.model.spec.embedDim;
  }

  /** The viewer context of an action sequence; its `userVector` is null when there is nothing to personalise on. */
  userContext(sequence: readonly SequenceAction[]): UserContext {
    const { spec, params } = this.model;
    return buildUserContext(spec, params, this.corpus, this.corpusEmbeddings, sequence);
  }

  /**
   * Raw per-action probabilities for one candidate, from the context and that candidate only
   * (candidate isolation). Every action is always present. NaN policy: a post not in the corpus, or a
   * non-finite feature or logit, yields NaN for the affected actions — never a made-up default.
   */
  predict(ctx: UserContext, candidate: RankInput): Prediction {
    const row = this.corpus.rowOf.get(candidate.postId);
    if (row === undefined) {
      return unscored();
    }
    const { spec, params } = this.model;
    const x = this._features;
    writeFeatures(
      ctx,
      this.corpus,
      this.corpusEmbeddings,
      spec.embedDim,
      spec.seqLen,
      row,
      candidate.inNetwork,
      x,
    );
    if (!x.every(Number.isFinite)) {
      return unscored();
    }
    const { logits } = rankerForward(spec, params, x, 0, this._trace);
    const out = {} as Record<Action, number>;
    ACTIONS.forEach((a, k) => {
      const z = logits[k]!;
      out[a] = Number.isFinite(z) ? sigmoid(z) : Number.NaN;
    });
    return out;
  }

  /**
   * Predictions for a batch, one per candidate in input order. Each is exactly `predict(ctx, c)`:
   * adding, removing or reordering the other candidates never changes a candidate's predictions.
   */
  predictBatch(ctx: UserContext, candidates: readonly RankInput[]): Prediction[] {
    return candidates.map((c) => this.predict(ctx, c));
  }
}
