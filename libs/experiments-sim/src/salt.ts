/**
 * Re-salting and the simulator's random streams. Everything random in a simulated run is a pure
 * function of (salt, stream, unit): two calls with the same salt give the same run, bit for bit.
 */
import { fnv1a32, type ExperimentDefinition } from '@foryou/experiments';

/** Separator between the definition's seed and the salt: `<seed>/<salt>`. */
export const SALT_SEPARATOR = '/';

/**
 * The definition with its variant-hash seed re-salted to `<seed>/<salt>`. Only `seed` changes, so
 * the layer and holdout hashes (seeded `__layer:…`, `__holdout:…`) keep the same analysis
 * population and only the split between the variants is redrawn, as a new experiment would be.
 * Throws RangeError for an empty salt or one containing the separator (ambiguous seeds).
 */
export function resaltDefinition<D extends ExperimentDefinition>(definition: D, salt: string): D {
  if (salt.length === 0 || salt.includes(SALT_SEPARATOR)) {
    throw new RangeError(`salt must be non-empty and must not contain "${SALT_SEPARATOR}" (got "${salt}")`);
  }
  return { ...definition, seed: `${definition.seed}${SALT_SEPARATOR}${salt}` };
}

/** The random streams of a run; each is independent of the others. */
export type Stream = 'impressions' | 'planted';

/**
 * A 32-bit seed for one stream of one run (and, with `unitId`, of one unit), from FNV-1a over
 * `<stream>|<salt>[|<unitId>]`. It feeds `createRng` of @foryou/world, which mixes it again
 * (murmur3 finaliser), so nearby salts give unrelated streams.
 */
export function streamSeed(stream: Stream, salt: string, unitId?: string): number {
  return fnv1a32(unitId === undefined ? `${stream}|${salt}` : `${stream}|${salt}|${unitId}`);
}

/** `<prefix>-<i>`: the salt of run i of a calibration (prefixes keep A/A and planted runs apart). */
export function runSalt(prefix: string, index: number): string {
  return `${prefix}-${index}`;
}
