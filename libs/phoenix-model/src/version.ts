/**
 * Version of the model code: architecture, features, training procedure and artifact format. Bump it
 * whenever any of them changes meaning, so cached artifacts (keyed by world version and this) are
 * never read by code that would interpret them differently.
 */
export const MODEL_CODE_VERSION = 'phoenix-v1';
