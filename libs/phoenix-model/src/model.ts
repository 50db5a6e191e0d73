import type { ModelParams, ModelSpec } from './model-spec';

/** A trained Phoenix model: both towers and the ranker, for one corpus (world) version. */
export interface PhoenixModel {
  /** Content-addressed: `<MODEL_CODE_VERSION>-<first 12 hex digits of the weights' sha256>`. */
  readonly version: string;
  readonly codeVersion: string;
  /** The world version the model was trained on; serving refuses any other corpus. */
  readonly corpusVersion: string;
  readonly spec: ModelSpec;
  readonly params: ModelParams;
  /** Author vocabulary: row i + 1 of `params.authorEmb` is `authors[i]`. */
  readonly authors: readonly string[];
}
