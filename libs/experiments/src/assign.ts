/**
 * Deterministic assignment: a pure function of (unit id, definitions, kill state, eligibility context).
 * No clock, no randomness, no process state; the only hash is GrowthBook's v2 (`hash.ts`). README.md
 * "Assignment algorithm" walks through the steps below.
 */
import { CONTROL, type ExperimentDefinition } from './definition';
import { failedEligibility, type EligibilityContext, type EligibilityPredicate } from './eligibility';
import type { KillRecord } from './events';
import {
  ASSIGNMENT_HASH_VERSION,
  bucketV2,
  chooseRange,
  GLOBAL_HOLDOUT_SEED,
  inBucketRange,
  layerHoldoutSeed,
  layerSeed,
  percentToBuckets,
  variantRanges,
  type BucketRange,
} from './hash';
import type { KillAwareDefinition } from './kills';
import { mergeParamOverrides, type ParamOverrides } from './params';

/**
 * Why a unit gets what it gets, in precedence order (the first that applies wins). Only `assigned` is in
 * the analysis population; every other status serves control's params and logs nothing for analysis.
 */
export type AssignmentStatus =
  /** The definition's status is `draft` or `stopped`. */
  | 'not_running'
  /** The whole experiment was killed. */
  | 'killed'
  /** An eligibility predicate failed (see `ineligibleReasons`). */
  | 'ineligible'
  /** The unit's layer bucket is outside the experiment's range (another experiment of the layer may own it). */
  | 'outside_layer_range'
  /** The unit is in the global or layer holdout the experiment declares. */
  | 'holdout'
  /** The unit's variant bucket is beyond the current ramp percentage. */
  | 'outside_ramp'
  /** The unit's variant was killed: it falls back to control and is flagged. */
  | 'killed_variant'
  /** In the analysis population, serving `variant`. */
  | 'assigned';

export interface ExperimentAssignment {
  readonly experimentKey: string;
  readonly layer: string;
  readonly status: AssignmentStatus;
  /** The variant whose params are served: `hashedVariant` when `assigned`, else `control`. */
  readonly variant: string;
  /** The variant the unit's bucket maps to at 100% ramp without kills (what a ramp-up would give it). */
  readonly hashedVariant: string;
  /**
   * In the experiment's analysis population: log an AssignmentRecord and ExposureEvents for it. False for
   * every other status, in particular `outside_ramp` (not analysed, not a control unit) and kills.
   */
  readonly inAnalysis: boolean;
  readonly eligible: boolean;
  readonly ineligibleReasons: readonly EligibilityPredicate[];
  /** In a holdout the experiment declares (global or layer; false when it declares none). */
  readonly inHoldout: boolean;
  /** Which holdout holds the unit out (`global` wins when both do), null when none. */
  readonly holdoutScope: 'global' | 'layer' | null;
  readonly inLayerRange: boolean;
  /** Bucket in [0, 10000) of the layer hash (seed `__layer:<layer>`). */
  readonly layerBucket: number;
  /** Bucket in [0, 10000) of the variant hash (seed = the experiment's `seed`). */
  readonly bucket: number;
  /** The bucket is inside the ramped part of its variant's range. */
  readonly inRamp: boolean;
  readonly rampPercent: number;
  /** The kill record that applied (experiment kill, or the kill of `hashedVariant`), else null. */
  readonly kill: KillRecord | null;
  /** The served variant's param overrides. */
  readonly params: ParamOverrides;
  readonly hashVersion: typeof ASSIGNMENT_HASH_VERSION;
  readonly eligibilityVersion: number;
}

export interface AssignmentResult {
  readonly unitId: string;
  /** One entry per definition, sorted by experiment key (independent of the input order). */
  readonly assignments: readonly ExperimentAssignment[];
  /** Holdout membership for each holdout some definition declares (null: no global holdout declared). */
  readonly holdouts: { readonly global: boolean | null; readonly layers: Readonly<Record<string, boolean>> };
  /**
   * The params overrides to apply for this unit: control's overrides of every experiment the unit is not
   * assigned to, then the assigned variants' overrides (the loader's invariants make the result
   * independent of order; see README "Params").
   */
  readonly params: ParamOverrides;
}

export type AssignmentContext = EligibilityContext;

const EMPTY_PARAMS: ParamOverrides = Object.freeze({});

function variantParams(definition: ExperimentDefinition, key: string): ParamOverrides {
  return definition.variants.find((v) => v.key === key)?.params ?? EMPTY_PARAMS;
}

function rampPercent(definition: ExperimentDefinition): number {
  const step = definition.ramp.steps[definition.ramp.current_step] ?? definition.ramp.steps.at(-1);
  return step?.percent ?? 0;
}

interface Ranges {
  readonly full: readonly BucketRange[];
  readonly ramped: readonly BucketRange[];
  readonly percent: number;
}

/** Definitions are treated as immutable (the loader freezes them), so their ranges are computed once. */
const rangesCache = new WeakMap<ExperimentDefinition, Ranges>();

function rangesOf(definition: ExperimentDefinition): Ranges {
  let ranges = rangesCache.get(definition);
  if (!ranges) {
    const weights = definition.variants.map((v) => v.weight);
    const percent = rampPercent(definition);
    ranges = { full: variantRanges(weights), ramped: variantRanges(weights, percent), percent };
    rangesCache.set(definition, ranges);
  }
  return ranges;
}

/**
 * Assigns one unit to every experiment. Throws only on programmer errors (empty unit id, duplicate
 * experiment keys, an unsupported hash version), never because of the unit.
 */
export function assign(
  unitId: string,
  experiments: readonly KillAwareDefinition[],
  context: AssignmentContext,
): AssignmentResult {
  if (unitId.length === 0) {
    throw new RangeError('assign: unitId must be non-empty');
  }
  const sorted = [...experiments].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.key === sorted[i - 1]!.key) {
      throw new RangeError(`assign: duplicate experiment key "${sorted[i]!.key}"`);
    }
  }

  const layerBuckets = new Map<string, number>();
  const holdoutBuckets = new Map<string, number>();
  const cached = (cache: Map<string, number>, seed: string): number => {
    let b = cache.get(seed);
    if (b === undefined) {
      b = bucketV2(seed, unitId);
      cache.set(seed, b);
    }
    return b;
  };

  let globalHoldout: boolean | null = null;
  const layerHoldouts: Record<string, boolean> = {};
  const assignments = sorted.map((d): ExperimentAssignment => {
    if (d.hash_version !== ASSIGNMENT_HASH_VERSION) {
      throw new RangeError(
        `assign: ${d.key} uses hash_version ${String(d.hash_version)}; only 2 is supported`,
      );
    }
    const ineligibleReasons = failedEligibility(d.eligibility, context);
    const layerBucket = cached(layerBuckets, layerSeed(d.layer.key));
    const inLayerRange = inBucketRange(layerBucket, d.layer.range);

    let holdoutScope: 'global' | 'layer' | null = null;
    if (d.holdout?.global !== undefined) {
      globalHoldout = cached(holdoutBuckets, GLOBAL_HOLDOUT_SEED) < percentToBuckets(d.holdout.global);
      holdoutScope = globalHoldout ? 'global' : null;
    }
    if (d.holdout?.layer !== undefined) {
      const inLayerHoldout =
        cached(holdoutBuckets, layerHoldoutSeed(d.layer.key)) < percentToBuckets(d.holdout.layer);
      layerHoldouts[d.layer.key] = inLayerHoldout;
      holdoutScope ??= inLayerHoldout ? 'layer' : null;
    }
    const inHoldout = holdoutScope !== null;

    const bucket = bucketV2(d.seed, unitId);
    const ranges = rangesOf(d);
    const hashedIndex = chooseRange(bucket, ranges.full);
    const hashedVariant = d.variants[hashedIndex]?.key ?? CONTROL;
    const percent = ranges.percent;
    const covered = ranges.ramped[hashedIndex];
    const inRamp = covered !== undefined && inBucketRange(bucket, covered);

    const experimentKill = d.kill?.experiment ?? null;
    const variantKill =
      d.kill && Object.hasOwn(d.kill.variants, hashedVariant)
        ? (d.kill.variants[hashedVariant] ?? null)
        : null;

    let status: AssignmentStatus;
    if (d.status !== 'running') {
      status = 'not_running';
    } else if (experimentKill) {
      status = 'killed';
    } else if (ineligibleReasons.length > 0) {
      status = 'ineligible';
    } else if (!inLayerRange) {
      status = 'outside_layer_range';
    } else if (inHoldout) {
      status = 'holdout';
    } else if (!inRamp) {
      status = 'outside_ramp';
    } else if (variantKill) {
      status = 'killed_variant';
    } else {
      status = 'assigned';
    }
    const variant = status === 'assigned' ? hashedVariant : CONTROL;
    return Object.freeze({
      experimentKey: d.key,
      layer: d.layer.key,
      status,
      variant,
      hashedVariant,
      inAnalysis: status === 'assigned',
      eligible: ineligibleReasons.length === 0,
      ineligibleReasons: Object.freeze(ineligibleReasons),
      inHoldout,
      holdoutScope,
      inLayerRange,
      layerBucket,
      bucket,
      inRamp,
      rampPercent: percent,
      kill: experimentKill ?? (status === 'killed_variant' ? variantKill : null),
      params: variantParams(d, variant),
      hashVersion: ASSIGNMENT_HASH_VERSION,
      eligibilityVersion: d.eligibility_version,
    });
  });

  const params = mergeParamOverrides([
    ...assignments.filter((a) => a.status !== 'assigned').map((a) => a.params),
    ...assignments.filter((a) => a.status === 'assigned').map((a) => a.params),
  ]);
  return Object.freeze({
    unitId,
    assignments: Object.freeze(assignments),
    holdouts: Object.freeze({ global: globalHoldout, layers: Object.freeze(layerHoldouts) }),
    params,
  });
}

/** The assignment of one experiment in a result, if the experiment was passed to `assign`. */
export function assignmentFor(
  result: AssignmentResult,
  experimentKey: string,
): ExperimentAssignment | undefined {
  return result.assignments.find((a) => a.experimentKey === experimentKey);
}
