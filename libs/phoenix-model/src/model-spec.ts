import { ACTIONS, type Rng } from '@foryou/world';

/** Architecture sizes. Content dimension and topic count come from the world; the rest are fixed. */
export interface ModelSpec {
  /** D: the world's content-embedding dimension (candidate-tower input). */
  readonly contentDim: number;
  /** T: number of topics (one-hot candidate-tower input). */
  readonly topics: number;
  /** A: learned author-embedding dimension. */
  readonly authorDim: number;
  /** H: hidden width of the candidate tower's 2-layer SiLU MLP. */
  readonly towerHidden: number;
  /** E: dimension of the shared user/candidate embedding space. */
  readonly embedDim: number;
  /** Most recent positive actions the user tower and the ranker read. */
  readonly seqLen: number;
  /** Hidden width of the ranker's shared SiLU layer. */
  readonly rankHidden: number;
}

/** The ranker's input features, in order (see ranking/features.ts for their definitions). */
export const RANK_FEATURES = Object.freeze([
  'two_tower_similarity',
  'has_history',
  'content_similarity',
  'topic_share',
  'author_share',
  'in_network',
  'author_popularity',
  'history_length',
  'is_reply',
  'is_repost',
  'is_video',
] as const);

/** One prediction head per action, in `ACTIONS` order. */
export const HEADS = ACTIONS;

/** Every trained tensor. Row-major; shapes in `paramShapes`. */
export interface ModelParams {
  /** Candidate tower layer 1: H × (D + T + A). */
  readonly candW1: Float32Array;
  readonly candB1: Float32Array;
  /** Candidate tower layer 2: E × H. */
  readonly candW2: Float32Array;
  readonly candB2: Float32Array;
  /** Candidate tower linear skip from the content embedding: E × D (starts as the identity). */
  readonly candSkip: Float32Array;
  /** Author embeddings: (vocabulary + 1) × A; row 0 is the shared row of unknown authors. */
  readonly authorEmb: Float32Array;
  /** User tower projection: E × E (no bias, so an empty history stays the zero vector). */
  readonly userW: Float32Array;
  /** Ranker layer 1: R × F. */
  readonly rankW1: Float32Array;
  readonly rankB1: Float32Array;
  /** Ranker heads: |ACTIONS| × R. */
  readonly rankW2: Float32Array;
  readonly rankB2: Float32Array;
}

export type ParamName = keyof ModelParams;

/** Serialisation order of the tensors. */
export const PARAM_NAMES: readonly ParamName[] = Object.freeze([
  'candW1',
  'candB1',
  'candW2',
  'candB2',
  'candSkip',
  'authorEmb',
  'userW',
  'rankW1',
  'rankB1',
  'rankW2',
  'rankB2',
] as const);

export function candidateInputDim(spec: ModelSpec): number {
  return spec.contentDim + spec.topics + spec.authorDim;
}

/** The shape of every tensor for a spec and an author vocabulary of `authors` ids. */
export function paramShapes(spec: ModelSpec, authors: number): Record<ParamName, readonly number[]> {
  const f = RANK_FEATURES.length;
  const heads = HEADS.length;
  return {
    candW1: [spec.towerHidden, candidateInputDim(spec)],
    candB1: [spec.towerHidden],
    candW2: [spec.embedDim, spec.towerHidden],
    candB2: [spec.embedDim],
    candSkip: [spec.embedDim, spec.contentDim],
    authorEmb: [authors + 1, spec.authorDim],
    userW: [spec.embedDim, spec.embedDim],
    rankW1: [spec.rankHidden, f],
    rankB1: [spec.rankHidden],
    rankW2: [heads, spec.rankHidden],
    rankB2: [heads],
  };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Allocates zeroed tensors of the right shapes. */
export function zeroParams(spec: ModelSpec, authors: number): ModelParams {
  const shapes = paramShapes(spec, authors);
  const out = {} as Record<ParamName, Float32Array>;
  for (const name of PARAM_NAMES) {
    out[name] = new Float32Array(size(shapes[name]));
  }
  return out;
}

/**
 * Seeded initialisation: weights ~ N(0, σ²) with σ = 1/√fan_in (2/√fan_in for the candidate tower's
 * first layer, whose input is mostly sparse; 0.1/√fan_in for the candidate tower's second layer and
 * the ranker heads), biases and author embeddings 0, the content skip and the user projection the
 * identity: an untrained model retrieves by content similarity to the pooled history.
 */
export function initParams(spec: ModelSpec, authors: number, rng: Rng): ModelParams {
  const p = zeroParams(spec, authors);
  const fill = (t: Float32Array, fanIn: number, scale = 1): void => {
    const std = scale / Math.sqrt(fanIn);
    for (let i = 0; i < t.length; i++) {
      t[i] = std * rng.normal();
    }
  };
  fill(p.candW1, candidateInputDim(spec) / 4);
  fill(p.candW2, spec.towerHidden, 0.1);
  for (let i = 0; i < Math.min(spec.embedDim, spec.contentDim); i++) {
    p.candSkip[i * spec.contentDim + i] = 1;
  }
  for (let i = 0; i < spec.embedDim; i++) {
    p.userW[i * spec.embedDim + i] = 1;
  }
  fill(p.rankW1, RANK_FEATURES.length);
  fill(p.rankW2, spec.rankHidden, 0.1);
  return p;
}
