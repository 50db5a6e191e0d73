import type { AssignmentRow, CovariateRow, ExposureRow, OutcomeEventType, OutcomeRow } from './types';

/**
 * Deterministic synthetic experiment data for tests and benchmarks. Every unit is generated from its
 * own PRNG stream seeded by (seed, unit index), so unit i is the same whether the units are produced
 * all at once, one at a time, or in several passes (the benchmark streams each table separately).
 *
 * What it produces, per unit: an assignment (weighted arms, hash-like bucket), 0..n exposures (a
 * share triggered; counterfactual when triggered in the first arm, taken as control), outcomes after
 * exposures (a Poisson number per exposure, scaled by a per-unit propensity and, for triggered
 * exposures, the arm's lift), and the awkward cases attribution must handle: outcomes after the
 * window, outcomes without a request id, outcomes carrying an OLDER request's id, outcomes before
 * the first exposure, the same request logged as two exposures (same post from two sources),
 * exposures with the wrong variant (multiple exposure), exposed units without an assignment, and a
 * pre-period covariate correlated with the propensity (CUPED).
 */

export interface SyntheticArm {
  readonly name: string;
  /** Relative traffic weight. */
  readonly weight: number;
  /** Multiplier of the outcome rate after a triggered exposure. Default 1. */
  readonly lift?: number;
  /** Multiplier of the latency of triggered requests (serving facts). Default 1. */
  readonly latencyFactor?: number;
  /** Multiplier of the short-feed probability of triggered requests (serving facts). Default 1. */
  readonly shortFeedFactor?: number;
  /**
   * A variant kill at this time: the arm's units stop being exposed (they are served control and not
   * logged), and units of the arm arriving later are neither assigned nor exposed.
   */
  readonly killedAt?: Date;
}

/** Serving facts recorded with each exposure (`latency_ms`, `items_returned`, `requested_items`). */
export interface SyntheticServing {
  /** Posts asked for per request. */
  readonly requestedItems: number;
  /** Median latency (ms) of a request; log-normal with `latencySigma`, times the arm's `latencyFactor`. */
  readonly latencyMedianMs: number;
  readonly latencySigma: number;
  /** P(a request returns no post). */
  readonly emptyFeedRate: number;
  /** P(a non-empty request returns fewer posts than asked for), times the arm's `shortFeedFactor`. */
  readonly shortFeedRate: number;
}

export interface SyntheticConfig {
  readonly seed: number;
  readonly experimentKey: string;
  readonly layer: string;
  /** The first arm plays control (its triggered exposures are counterfactual). */
  readonly arms: readonly SyntheticArm[];
  /** Assigned units. */
  readonly units: number;
  /** Start of the experiment (use a UTC midnight for tidy days). */
  readonly start: Date;
  readonly days: number;
  /** P(an assigned unit is exposed at all). */
  readonly exposureRate: number;
  /** Mean exposures of an exposed unit (≥ 1). */
  readonly meanExposures: number;
  /** P(an exposure is triggered). */
  readonly triggerRate: number;
  /** Mean outcomes per exposure (times the unit's propensity, mean 1). */
  readonly outcomesPerExposure: number;
  /** The attribution window the data is shaped around. */
  readonly attributionWindowMs: number;
  /** P(an outcome occurs after the attribution window of its exposure). */
  readonly lateOutcomeRate: number;
  /** P(an outcome carries no request id). */
  readonly noRequestRate: number;
  /** P(an outcome after exposure j ≥ 1 carries the request id of exposure j − 1). */
  readonly staleRequestRate: number;
  /** Mean outcomes of a unit before its first exposure (never attributable). */
  readonly preExposureOutcomes: number;
  /** P(an exposed unit has one exposure logged with another arm's variant). */
  readonly multipleExposureRate: number;
  /** P(an exposure is logged twice for the same request, at the same time, with another id). */
  readonly duplicateExposureRate: number;
  /** Extra units with exposures but no assignment. */
  readonly orphanUnits: number;
  /** Name of the pre-period covariate metric; null for none. */
  readonly covariateMetric: string | null;
  /** P(a unit has a pre-period covariate row). */
  readonly covariateRate: number;
  /**
   * Serving facts of each exposure, drawn from a separate PRNG stream (so every other row is the same
   * with or without them). Absent or null: none recorded.
   */
  readonly serving?: SyntheticServing | null;
}

export interface SyntheticUnit {
  readonly index: number;
  readonly unitId: string;
  /** null for an orphan (exposed, never assigned) and for a unit of a killed arm arriving after the kill. */
  readonly assignment: AssignmentRow | null;
  readonly exposures: ExposureRow[];
  readonly outcomes: OutcomeRow[];
  readonly covariate: CovariateRow | null;
}

export interface SyntheticDataset {
  readonly assignments: AssignmentRow[];
  readonly exposures: ExposureRow[];
  readonly outcomes: OutcomeRow[];
  readonly covariates: CovariateRow[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function syntheticConfig(overrides: Partial<SyntheticConfig> = {}): SyntheticConfig {
  return {
    seed: 42,
    experimentKey: 'exp_synthetic',
    layer: 'ranking',
    arms: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1, lift: 1.1 },
    ],
    units: 1000,
    start: new Date('2026-03-02T00:00:00.000Z'),
    days: 7,
    exposureRate: 0.85,
    meanExposures: 3,
    triggerRate: 0.4,
    outcomesPerExposure: 0.6,
    attributionWindowMs: 6 * HOUR,
    lateOutcomeRate: 0.05,
    noRequestRate: 0.2,
    staleRequestRate: 0.1,
    preExposureOutcomes: 0.3,
    multipleExposureRate: 0.01,
    duplicateExposureRate: 0.02,
    orphanUnits: 5,
    covariateMetric: 'favorites_28d',
    covariateRate: 0.9,
    serving: {
      requestedItems: 30,
      latencyMedianMs: 120,
      latencySigma: 0.35,
      emptyFeedRate: 0.005,
      shortFeedRate: 0.08,
    },
    ...overrides,
  };
}

// --- PRNG ----------------------------------------------------------------------------------------

/** 32-bit finalizer of MurmurHash3: a well-mixed 32-bit hash of a 32-bit input. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** mulberry32: small, fast, good enough for test data. Returns a function giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b_79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function unitRng(seed: number, index: number): () => number {
  return mulberry32(fmix32(fmix32(seed) ^ Math.imul(index + 1, 0x9e37_79b9)));
}

/** Stream of the serving facts: independent of the unit's main stream. */
const SERVING_STREAM = 0x2545_f491;

/** Serving facts of one request (`triggered` requests get the arm's factors). */
function servingFacts(
  rand: () => number,
  serving: SyntheticServing,
  arm: SyntheticArm,
  triggered: boolean,
): Pick<ExposureRow, 'latencyMs' | 'itemsReturned' | 'requestedItems'> {
  const latencyFactor = triggered ? (arm.latencyFactor ?? 1) : 1;
  const shortFactor = triggered ? (arm.shortFeedFactor ?? 1) : 1;
  const latency = serving.latencyMedianMs * Math.exp(serving.latencySigma * normal(rand)) * latencyFactor;
  const requested = serving.requestedItems;
  let returned = requested;
  if (rand() < serving.emptyFeedRate) {
    returned = 0;
  } else if (requested > 1 && rand() < serving.shortFeedRate * shortFactor) {
    returned = 1 + Math.floor(rand() * (requested - 1));
  }
  return { latencyMs: Math.round(latency * 10) / 10, itemsReturned: returned, requestedItems: requested };
}

function poisson(rand: () => number, mean: number): number {
  if (mean <= 0) {
    return 0;
  }
  // Knuth; the means used here are small.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k += 1;
    p *= rand();
  }
  return k;
}

function exponential(rand: () => number, mean: number): number {
  return -Math.log(1 - rand()) * mean;
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const EVENT_MIX: readonly (readonly [OutcomeEventType, number])[] = [
  ['favorite', 0.3],
  ['click', 0.28],
  ['dwell', 0.25],
  ['reply', 0.05],
  ['repost', 0.05],
  ['hide', 0.03],
  ['not_interested', 0.015],
  ['report', 0.005],
  ['block_author', 0.0125],
  ['mute_author', 0.0125],
];

function eventType(rand: () => number): OutcomeEventType {
  let u = rand();
  for (const [type, p] of EVENT_MIX) {
    if (u < p) {
      return type;
    }
    u -= p;
  }
  return 'favorite';
}

/** dwell: integer milliseconds (log-normal, median ≈ 1.1 s); anything else: 1. */
function eventValue(rand: () => number, type: OutcomeEventType): number {
  return type === 'dwell' ? Math.max(1, Math.round(Math.exp(7 + normal(rand)))) : 1;
}

// --- Generation ----------------------------------------------------------------------------------

function validateConfig(c: SyntheticConfig): void {
  if (c.arms.length < 1 || c.arms.some((a) => !(a.weight > 0))) {
    throw new RangeError('synthetic: arms need positive weights');
  }
  if (
    !Number.isSafeInteger(c.units) ||
    c.units < 0 ||
    !Number.isSafeInteger(c.orphanUnits) ||
    c.orphanUnits < 0
  ) {
    throw new RangeError('synthetic: units and orphanUnits must be non-negative integers');
  }
  if (!(c.days > 0) || !(c.meanExposures >= 1) || !(c.attributionWindowMs > 0)) {
    throw new RangeError('synthetic: days > 0, meanExposures ≥ 1 and attributionWindowMs > 0 are required');
  }
  const serving = c.serving;
  if (
    serving !== undefined &&
    serving !== null &&
    (!Number.isSafeInteger(serving.requestedItems) ||
      serving.requestedItems < 1 ||
      !(serving.latencyMedianMs > 0) ||
      !(serving.latencySigma >= 0))
  ) {
    throw new RangeError(
      'synthetic: serving needs requestedItems ≥ 1, latencyMedianMs > 0, latencySigma ≥ 0',
    );
  }
}

/** Total number of units `syntheticUnit` can produce: assigned units, then orphans. */
export function syntheticUnitCount(config: SyntheticConfig): number {
  return config.units + config.orphanUnits;
}

/**
 * Unit `index` (0 ≤ index < units + orphanUnits; the last `orphanUnits` are never assigned).
 * Pure: the same config and index always give the same rows.
 */
export function syntheticUnit(config: SyntheticConfig, index: number): SyntheticUnit {
  validateConfig(config);
  const rand = unitRng(config.seed, index);
  const orphan = index >= config.units;
  const unitId = orphan ? `orphan${index - config.units}` : `u${index}`;
  const startMs = config.start.getTime();
  const endMs = startMs + config.days * DAY;
  const window = config.attributionWindowMs;

  // Arm from a hash-like bucket in [0, 10000).
  const bucket = Math.floor(rand() * 10_000);
  const totalWeight = config.arms.reduce((s, a) => s + a.weight, 0);
  let armIndex = config.arms.length - 1;
  let cumulative = 0;
  for (let i = 0; i < config.arms.length; i += 1) {
    cumulative += (config.arms[i]?.weight ?? 0) / totalWeight;
    if (bucket / 10_000 < cumulative) {
      armIndex = i;
      break;
    }
  }
  const arm = config.arms[armIndex] ?? { name: 'control', weight: 1 };
  const assignedMs = startMs + Math.floor(rand() * config.days * DAY * 0.9);
  // Propensity: Gamma(2, 1/2), mean 1.
  const propensity = (exponential(rand, 1) + exponential(rand, 1)) / 2;

  // A unit of a killed arm arriving after the kill is served control and logs nothing.
  const armEndMs = Math.min(endMs, arm.killedAt?.getTime() ?? endMs);
  const arrivedAfterKill = !orphan && assignedMs >= armEndMs;
  const assignment: AssignmentRow | null =
    orphan || arrivedAfterKill
      ? null
      : {
          experimentKey: config.experimentKey,
          unitId,
          variant: arm.name,
          layer: config.layer,
          bucket,
          hashVersion: 2,
          eligibilityVersion: 1,
          assignedAt: new Date(assignedMs),
        };

  const exposures: ExposureRow[] = [];
  const outcomes: OutcomeRow[] = [];
  const exposed = (orphan || rand() < config.exposureRate) && !arrivedAfterKill;
  const serving = config.serving ?? null;
  const servingRand = unitRng(config.seed ^ SERVING_STREAM, index);
  if (exposed) {
    // 1 + Geometric(p = 1/meanExposures) failures: mean meanExposures.
    const p = 1 / config.meanExposures;
    const count = p >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rand()) / Math.log(1 - p));
    const wrongVariantAt = rand() < config.multipleExposureRate ? Math.floor(rand() * count) : -1;
    const otherArm = config.arms.length > 1 ? config.arms[(armIndex + 1) % config.arms.length] : undefined;
    const otherVariant = config.arms.length > 1 ? (otherArm?.name ?? arm.name) : `${arm.name}-other`;
    let t = assignedMs + Math.floor(rand() * 60_000);
    const requests: { requestId: string; exposedAt: number; triggered: boolean }[] = [];
    for (let j = 0; j < count && t < armEndMs; j += 1) {
      const requestId = `req:${unitId}:${j}`;
      const triggered = rand() < config.triggerRate;
      // Nobody is served a killed arm after its kill, not even by mistake.
      const otherKilled = t >= (otherArm?.killedAt?.getTime() ?? Number.POSITIVE_INFINITY);
      const variant = j === wrongVariantAt && !otherKilled ? otherVariant : arm.name;
      const base: ExposureRow = {
        exposureId: `${config.experimentKey}:${unitId}:${j}`,
        experimentKey: config.experimentKey,
        unitId,
        variant,
        requestId,
        triggered,
        counterfactual: triggered && armIndex === 0,
        versionVector: { ranker: 'phoenix-v3', mixer: j % 2 === 0 ? 'm1' : 'm2' },
        exposedAt: new Date(t),
        ...(serving === null ? {} : servingFacts(servingRand, serving, arm, triggered)),
      };
      exposures.push(base);
      if (rand() < config.duplicateExposureRate) {
        // The same request seen through a second source: another event id, same everything else.
        exposures.push({ ...base, exposureId: `${base.exposureId}:dup` });
      }
      requests.push({ requestId, exposedAt: t, triggered });
      t += 1 + Math.floor(exponential(rand, 4 * HOUR));
    }

    requests.forEach((req, j) => {
      const rate = config.outcomesPerExposure * propensity * (req.triggered ? (arm.lift ?? 1) : 1);
      const n = poisson(rand, rate);
      for (let m = 0; m < n; m += 1) {
        const late = rand() < config.lateOutcomeRate;
        const delay = late ? window + 1 + Math.floor(rand() * window) : Math.floor(rand() * window * 0.9);
        const occurredMs = req.exposedAt + delay;
        const type = eventType(rand);
        const previous = requests[j - 1];
        const stale = previous !== undefined && rand() < config.staleRequestRate;
        const noRequest = rand() < config.noRequestRate;
        outcomes.push({
          clientEventId: `ev:${j}:${m}`,
          unitId,
          eventType: type,
          value: eventValue(rand, type),
          postId: `post:${Math.floor(rand() * 100_000)}`,
          requestId: noRequest ? null : stale ? previous.requestId : req.requestId,
          occurredAt: new Date(occurredMs),
          receivedAt: new Date(occurredMs + Math.floor(rand() * 5_000)),
        });
      }
    });
  }
  // Activity before the first exposure (or of never-exposed units): never attributable.
  const firstExposureMs = exposures[0]?.exposedAt.getTime() ?? endMs;
  const pre = poisson(rand, config.preExposureOutcomes);
  for (let m = 0; m < pre; m += 1) {
    const occurredMs = firstExposureMs - 1 - Math.floor(rand() * DAY);
    const type = eventType(rand);
    outcomes.push({
      clientEventId: `pre:${m}`,
      unitId,
      eventType: type,
      value: eventValue(rand, type),
      postId: `post:${Math.floor(rand() * 100_000)}`,
      requestId: null,
      occurredAt: new Date(occurredMs),
      receivedAt: new Date(occurredMs + 1_000),
    });
  }

  const covariate: CovariateRow | null =
    !orphan && config.covariateMetric !== null && rand() < config.covariateRate
      ? {
          experimentKey: config.experimentKey,
          metric: config.covariateMetric,
          unitId,
          value: Math.round(propensity * 20 * (0.7 + 0.6 * rand())),
        }
      : null;

  return { index, unitId, assignment, exposures, outcomes, covariate };
}

/** Units 0 .. units + orphanUnits − 1, lazily. */
export function* syntheticUnits(config: SyntheticConfig): Generator<SyntheticUnit> {
  const total = syntheticUnitCount(config);
  for (let i = 0; i < total; i += 1) {
    yield syntheticUnit(config, i);
  }
}

/** The whole dataset in memory (tests; use `syntheticUnits` for large volumes). */
export function syntheticDataset(config: SyntheticConfig): SyntheticDataset {
  const data: SyntheticDataset = { assignments: [], exposures: [], outcomes: [], covariates: [] };
  for (const unit of syntheticUnits(config)) {
    if (unit.assignment !== null) {
      data.assignments.push(unit.assignment);
    }
    data.exposures.push(...unit.exposures);
    data.outcomes.push(...unit.outcomes);
    if (unit.covariate !== null) {
      data.covariates.push(unit.covariate);
    }
  }
  return data;
}
