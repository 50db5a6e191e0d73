/**
 * Variant params overrides. Libraries may not import apps, so this library cannot name home-mixer's
 * `FeedParams`. An override is therefore a plain JSON object shaped as a DEEP PARTIAL of the params
 * values (`{ recentEngagedAuthors: { enabled: true } }`); the app types it by passing its own zod schema
 * (`loadExperiments(dir, { paramsSchema })` or `parseParamOverrides(overrides, schema)`), typically a
 * deep-partial, strict version of its params schema. Paths are dot-joined identifiers
 * (`recentEngagedAuthors.enabled`); arrays are leaves (an override replaces the whole array).
 */
import { z } from 'zod';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A variant's overrides: a JSON object, nested like the params it overrides. */
export type ParamOverrides = { readonly [key: string]: JsonValue };

/** `T` with every property optional at every depth; arrays stay whole (they are replaced, not merged). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

function isPlainObject(value: unknown): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A params override object: JSON values (finite numbers only), identifier keys at every depth (so a
 * dot-joined path is unambiguous) and no empty nested objects (an override must set something).
 */
export const ParamOverridesSchema: z.ZodType<ParamOverrides> = z
  .record(z.string(), JsonValueSchema)
  .superRefine((root, ctx) => {
    const walk = (obj: { readonly [key: string]: JsonValue }, path: (string | number)[]): void => {
      for (const [key, value] of Object.entries(obj)) {
        if (!PARAM_KEY.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, key],
            message: `params keys are identifiers ([A-Za-z_][A-Za-z0-9_]*), got "${key}"`,
          });
        }
        if (isPlainObject(value)) {
          if (Object.keys(value).length === 0) {
            ctx.addIssue({
              code: 'custom',
              path: [...path, key],
              message: 'an override object may not be empty',
            });
          }
          walk(value, [...path, key]);
        }
      }
    };
    walk(root, []);
  });

/** One leaf of an override: its dot-joined path and value. */
export interface ParamLeaf {
  readonly path: string;
  readonly value: JsonValue;
}

/** The leaves of an override object, in key order (`{ a: { b: 1 } }` → `[{ path: 'a.b', value: 1 }]`). */
export function flattenParams(overrides: ParamOverrides): ParamLeaf[] {
  const out: ParamLeaf[] = [];
  const walk = (obj: { readonly [key: string]: JsonValue }, prefix: string): void => {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (isPlainObject(value)) {
        walk(value, path);
      } else {
        out.push({ path, value });
      }
    }
  };
  walk(overrides, '');
  return out;
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((v, i) => jsonEqual(v as JsonValue, b[i] as JsonValue))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k]!, b[k]!))
    );
  }
  return false;
}

/**
 * Deep-merges override objects left to right: objects merge key by key, anything else (including
 * arrays) replaces. Returns a new object; the inputs are not modified.
 */
export function mergeParamOverrides(layers: readonly ParamOverrides[]): ParamOverrides {
  const merge = (
    base: { readonly [key: string]: JsonValue },
    top: { readonly [key: string]: JsonValue },
  ): { [key: string]: JsonValue } => {
    const out: { [key: string]: JsonValue } = { ...base };
    for (const [key, value] of Object.entries(top)) {
      const current = out[key];
      out[key] =
        isPlainObject(value) && current !== undefined && isPlainObject(current)
          ? merge(current, value)
          : value;
    }
    return out;
  };
  return layers.reduce<ParamOverrides>((acc, o) => merge(acc, o), {});
}

/**
 * Applies overrides to a full params value: objects merge, leaves replace. Keys absent from `base` are
 * added (params a new component introduces may not exist in older defaults), so validate the overrides
 * against the params schema first (`parseParamOverrides`). Returns a new object.
 */
export function applyParamOverrides<T extends object>(
  base: T,
  overrides: ParamOverrides | DeepPartial<T>,
): T {
  return mergeParamOverrides([
    base as unknown as ParamOverrides,
    overrides as ParamOverrides,
  ]) as unknown as T;
}

/**
 * Validates an override object against a caller-supplied schema (e.g. a strict deep-partial of the
 * app's params schema) and returns it typed. Throws the schema's `ZodError` on mismatch.
 */
export function parseParamOverrides<T>(overrides: ParamOverrides, schema: z.ZodType<T>): T {
  return schema.parse(overrides);
}
