import { z } from 'zod';
import { DEFAULT_PARAMS } from './default-params';

/**
 * The schema an experiment variant's `params` must satisfy: a strict deep-partial of FeedParams derived
 * from the production defaults, so every override names an existing param and keeps its type (numbers
 * finite, booleans boolean). Handed to `loadExperiments`, which reports violations per file and path.
 */
export const FEED_PARAMS_OVERRIDES_SCHEMA: z.ZodType = overridesSchemaFor(DEFAULT_PARAMS);

function overridesSchemaFor(value: unknown): z.ZodType {
  if (typeof value === 'boolean') {
    return z.boolean();
  }
  if (typeof value === 'number') {
    return z.number().finite();
  }
  if (typeof value === 'string') {
    return z.string();
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const shape = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, overridesSchemaFor(v).optional()] as const),
    );
    return z.strictObject(shape);
  }
  throw new TypeError(`params overrides: unsupported default value ${JSON.stringify(value)}`);
}
