/**
 * An independent, row-by-row TypeScript implementation of attribution and of every statistic the SQL
 * computes, used as the test oracle. Deliberately written from the definitions (README), not from
 * the SQL: plain loops over the same synthetic rows.
 */
import {
  normalQuantile,
  type BivariateMoments,
  type SrmDay,
  type UnivariateMoments,
} from '@foryou/experiments-stats';
import type {
  AnalysisScope,
  AssignmentRow,
  ExposureRow,
  MetricDefinition,
  OutcomeRow,
  ServingSignal,
  SyntheticDataset,
  TimeWindow,
} from '@foryou/experiments-store';

export interface OracleAttribution {
  readonly unitId: string;
  readonly clientEventId: string;
  readonly exposureId: string;
  readonly exposedAt: number;
  readonly occurredAt: number;
  readonly eventType: string;
  readonly value: number;
  readonly matchedBy: 'request' | 'latest';
}

/** Byte-order comparison of ASCII ids (what COLLATE "C" does). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function firstByKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const r of rows) {
    if (!seen.has(key(r))) {
      seen.set(key(r), r);
    }
  }
  return [...seen.values()];
}

export function dedupeDataset(data: SyntheticDataset): SyntheticDataset {
  return {
    assignments: firstByKey(data.assignments, (r) => `${r.experimentKey}\u0000${r.unitId}`),
    exposures: firstByKey(data.exposures, (r) => r.exposureId),
    outcomes: firstByKey(data.outcomes, (r) => `${r.unitId}\u0000${r.clientEventId}`),
    covariates: firstByKey(data.covariates, (r) => `${r.experimentKey}\u0000${r.metric}\u0000${r.unitId}`),
  };
}

export function oracleAttribute(
  exposures: readonly ExposureRow[],
  outcomes: readonly OutcomeRow[],
  experimentKey: string,
  windowMs: number,
): OracleAttribution[] {
  const mine = exposures.filter((x) => x.experimentKey === experimentKey);
  const byUnit = new Map<string, ExposureRow[]>();
  for (const x of mine) {
    byUnit.set(x.unitId, [...(byUnit.get(x.unitId) ?? []), x]);
  }
  const out: OracleAttribution[] = [];
  for (const o of outcomes) {
    const t = o.occurredAt.getTime();
    let best: ExposureRow | undefined;
    let bestSame = false;
    for (const x of byUnit.get(o.unitId) ?? []) {
      const e = x.exposedAt.getTime();
      if (e > t || e < t - windowMs) {
        continue;
      }
      // An outcome naming its request goes to that request's exposure or nowhere.
      if (o.requestId !== null && x.requestId !== o.requestId) {
        continue;
      }
      const same = o.requestId !== null && x.requestId === o.requestId;
      const better =
        best === undefined ||
        (same && !bestSame) ||
        (same === bestSame &&
          (e > best.exposedAt.getTime() ||
            (e === best.exposedAt.getTime() && cmp(x.exposureId, best.exposureId) > 0)));
      if (better) {
        best = x;
        bestSame = same;
      }
    }
    if (best !== undefined) {
      out.push({
        unitId: o.unitId,
        clientEventId: o.clientEventId,
        exposureId: best.exposureId,
        exposedAt: best.exposedAt.getTime(),
        occurredAt: t,
        eventType: o.eventType,
        value: o.value ?? 1,
        matchedBy: bestSame ? 'request' : 'latest',
      });
    }
  }
  return out;
}

function inWindow(t: number, w: TimeWindow | undefined): boolean {
  return (w?.from === undefined || t >= w.from.getTime()) && (w?.to === undefined || t < w.to.getTime());
}

interface UnitState {
  firstTriggered: number | null;
  variants: Set<string>;
  first: ExposureRow;
  exposures: ExposureRow[];
}

function exposedUnits(exposures: readonly ExposureRow[], scope: AnalysisScope): Map<string, UnitState> {
  const units = new Map<string, UnitState>();
  for (const x of exposures) {
    if (x.experimentKey !== scope.experimentKey || !inWindow(x.exposedAt.getTime(), scope.window)) {
      continue;
    }
    const t = x.exposedAt.getTime();
    const u = units.get(x.unitId);
    if (u === undefined) {
      units.set(x.unitId, {
        firstTriggered: x.triggered ? t : null,
        variants: new Set([x.variant]),
        first: x,
        exposures: [x],
      });
      continue;
    }
    u.variants.add(x.variant);
    u.exposures.push(x);
    if (x.triggered && (u.firstTriggered === null || t < u.firstTriggered)) {
      u.firstTriggered = t;
    }
    const f = u.first.exposedAt.getTime();
    if (t < f || (t === f && cmp(x.exposureId, u.first.exposureId) < 0)) {
      u.first = x;
    }
  }
  return units;
}

type XOracle =
  { kind: 'none' } | { kind: 'metric'; metric: MetricDefinition } | { kind: 'covariate'; name: string };

function unitValue(
  metric: MetricDefinition,
  unit: UnitState,
  attributions: readonly OracleAttribution[],
  scope: AnalysisScope,
  sinceTrigger: boolean,
): number {
  const since = sinceTrigger ? (unit.firstTriggered ?? Number.POSITIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  if (metric.source === 'exposures') {
    const requests = new Set(
      unit.exposures.filter((x) => x.exposedAt.getTime() >= since).map((x) => x.requestId ?? x.exposureId),
    );
    return requests.size;
  }
  if (metric.source === 'serving') {
    // Per distinct request: counted when one of its rows is at/after `since`; its value is the largest.
    const byRequest = new Map<string, { counted: boolean; value: number | null }>();
    for (const x of unit.exposures) {
      const key = x.requestId ?? x.exposureId;
      const value = oracleSignal(metric.signal, x);
      const r = byRequest.get(key) ?? { counted: false, value: null };
      r.counted ||= x.exposedAt.getTime() >= since;
      r.value = value === null ? r.value : r.value === null ? value : Math.max(r.value, value);
      byRequest.set(key, r);
    }
    return [...byRequest.values()].filter((r) => r.counted).reduce((s, r) => s + (r.value ?? 0), 0);
  }
  const types = new Set<string>(metric.eventTypes);
  const rows = attributions.filter(
    (a) => types.has(a.eventType) && inWindow(a.exposedAt, scope.window) && a.occurredAt >= since,
  );
  switch (metric.aggregate) {
    case 'count':
      return rows.length;
    case 'sum':
      return rows.reduce((s, a) => s + a.value, 0);
    case 'any':
      return rows.length > 0 ? 1 : 0;
  }
}

/** A serving signal of one exposure row, as defined in the README (null = not recorded). */
export function oracleSignal(signal: ServingSignal, x: ExposureRow): number | null {
  const items = x.itemsReturned ?? null;
  switch (signal) {
    case 'latency_ms':
      return x.latencyMs ?? null;
    case 'items_returned':
      return items;
    case 'empty_feed':
      return items === 0 ? 1 : 0;
    case 'short_feed':
      return items !== null &&
        x.requestedItems !== undefined &&
        x.requestedItems !== null &&
        items < x.requestedItems
        ? 1
        : 0;
  }
}

export interface OracleMoments {
  readonly itt: BivariateMoments[];
  readonly triggered: BivariateMoments[];
  readonly excluded: number[];
}

export function oracleMoments(
  data: SyntheticDataset,
  attributions: readonly OracleAttribution[],
  scope: AnalysisScope,
  y: MetricDefinition,
  x: XOracle,
): OracleMoments {
  const assignments = new Map(
    data.assignments.filter((a) => a.experimentKey === scope.experimentKey).map((a) => [a.unitId, a]),
  );
  const covariates = new Map<string, number>();
  if (x.kind === 'covariate') {
    data.covariates
      .filter((c) => c.experimentKey === scope.experimentKey && c.metric === x.name)
      .forEach((c) => covariates.set(c.unitId, c.value));
  }
  const attributionsByUnit = new Map<string, OracleAttribution[]>();
  for (const a of attributions) {
    attributionsByUnit.set(a.unitId, [...(attributionsByUnit.get(a.unitId) ?? []), a]);
  }
  const zero = (): {
    n: number;
    sumY: number;
    sumYSq: number;
    sumX: number;
    sumXSq: number;
    sumXY: number;
  } => ({
    n: 0,
    sumY: 0,
    sumYSq: 0,
    sumX: 0,
    sumXSq: 0,
    sumXY: 0,
  });
  const itt = scope.arms.map(zero);
  const triggered = scope.arms.map(zero);
  const excluded = scope.arms.map(() => 0);
  for (const [unitId, unit] of exposedUnits(data.exposures, scope)) {
    const assignment = assignments.get(unitId);
    if (assignment === undefined) {
      continue;
    }
    const arm = (scope.armSource ?? 'assignment') === 'assignment' ? assignment.variant : unit.first.variant;
    const i = scope.arms.indexOf(arm);
    if (i < 0) {
      continue;
    }
    if (scope.multipleExposures === 'exclude' && unit.variants.size > 1) {
      excluded[i] = (excluded[i] ?? 0) + 1;
      continue;
    }
    const mine = attributionsByUnit.get(unitId) ?? [];
    const xValue = (sinceTrigger: boolean): number =>
      x.kind === 'none'
        ? 0
        : x.kind === 'covariate'
          ? (covariates.get(unitId) ?? 0)
          : unitValue(x.metric, unit, mine, scope, sinceTrigger);
    const add = (acc: ReturnType<typeof zero>, yv: number, xv: number): void => {
      acc.n += 1;
      acc.sumY += yv;
      acc.sumYSq += yv * yv;
      acc.sumX += xv;
      acc.sumXSq += xv * xv;
      acc.sumXY += xv * yv;
    };
    add(itt[i]!, unitValue(y, unit, mine, scope, false), xValue(false));
    if (unit.firstTriggered !== null) {
      add(triggered[i]!, unitValue(y, unit, mine, scope, true), xValue(true));
    }
  }
  return { itt, triggered, excluded };
}

export function univariate(m: BivariateMoments): UnivariateMoments {
  return { n: m.n, sum: m.sumY, sumSq: m.sumYSq };
}

// --- Counts -----------------------------------------------------------------------------------------

export function oracleAssignmentCounts(
  assignments: readonly AssignmentRow[],
  scope: AnalysisScope,
): number[] {
  return scope.arms.map(
    (arm) =>
      assignments.filter(
        (a) =>
          a.experimentKey === scope.experimentKey &&
          a.variant === arm &&
          inWindow(a.assignedAt.getTime(), scope.window),
      ).length,
  );
}

/** First exposure of every unit over all time. */
function firstExposures(exposures: readonly ExposureRow[], experimentKey: string): ExposureRow[] {
  const first = new Map<string, ExposureRow>();
  for (const x of exposures) {
    if (x.experimentKey !== experimentKey) {
      continue;
    }
    const f = first.get(x.unitId);
    if (
      f === undefined ||
      x.exposedAt.getTime() < f.exposedAt.getTime() ||
      (x.exposedAt.getTime() === f.exposedAt.getTime() && cmp(x.exposureId, f.exposureId) < 0)
    ) {
      first.set(x.unitId, x);
    }
  }
  return [...first.values()];
}

export function oracleFirstExposureCounts(exposures: readonly ExposureRow[], scope: AnalysisScope): number[] {
  const firsts = firstExposures(exposures, scope.experimentKey).filter((f) =>
    inWindow(f.exposedAt.getTime(), scope.window),
  );
  return scope.arms.map((arm) => firsts.filter((f) => f.variant === arm).length);
}

export function oracleFirstExposuresByDay(exposures: readonly ExposureRow[], scope: AnalysisScope): SrmDay[] {
  const days = new Map<string, number[]>();
  for (const f of firstExposures(exposures, scope.experimentKey)) {
    if (!inWindow(f.exposedAt.getTime(), scope.window)) {
      continue;
    }
    const day = f.exposedAt.toISOString().slice(0, 10);
    const counts = days.get(day) ?? scope.arms.map(() => 0);
    const i = scope.arms.indexOf(f.variant);
    if (i >= 0) {
      counts[i] = (counts[i] ?? 0) + 1;
    }
    days.set(day, counts);
  }
  return [...days.entries()].sort(([a], [b]) => cmp(a, b)).map(([day, observed]) => ({ day, observed }));
}

export function oracleFunnel(
  data: SyntheticDataset,
  scope: AnalysisScope,
): { assigned: number[]; exposed: number[]; triggered: number[]; exposedWithoutAssignment: number } {
  const units = exposedUnits(data.exposures, scope);
  const assigned = data.assignments.filter((a) => a.experimentKey === scope.experimentKey);
  const assignedIds = new Set(assigned.map((a) => a.unitId));
  const inW = assigned.filter((a) => inWindow(a.assignedAt.getTime(), scope.window));
  return {
    assigned: scope.arms.map((arm) => inW.filter((a) => a.variant === arm).length),
    exposed: scope.arms.map((arm) => inW.filter((a) => a.variant === arm && units.has(a.unitId)).length),
    triggered: scope.arms.map(
      (arm) =>
        inW.filter((a) => a.variant === arm && (units.get(a.unitId)?.firstTriggered ?? null) !== null).length,
    ),
    exposedWithoutAssignment: [...units.keys()].filter((u) => !assignedIds.has(u)).length,
  };
}

export function oracleMultiple(
  data: SyntheticDataset,
  scope: AnalysisScope,
): {
  unitsExposed: number;
  unitsMultipleExposed: number;
  unitsVariantMismatch: number;
  unitsWithoutAssignment: number;
} {
  const units = exposedUnits(data.exposures, scope);
  const assignments = new Map(
    data.assignments.filter((a) => a.experimentKey === scope.experimentKey).map((a) => [a.unitId, a.variant]),
  );
  let multiple = 0;
  let mismatch = 0;
  let without = 0;
  for (const [unitId, u] of units) {
    if (u.variants.size > 1) {
      multiple += 1;
    }
    const assigned = assignments.get(unitId);
    if (assigned === undefined) {
      without += 1;
    } else if ([...u.variants].some((v) => v !== assigned)) {
      mismatch += 1;
    }
  }
  return {
    unitsExposed: units.size,
    unitsMultipleExposed: multiple,
    unitsVariantMismatch: mismatch,
    unitsWithoutAssignment: without,
  };
}

/** One arm's quantile as `servingQuantile` defines it, from the rows. */
export interface OracleQuantile {
  readonly n: number;
  readonly units: number;
  readonly estimate: number;
  readonly cdfSe: number;
  readonly fractions: [number, number];
  readonly lower: number;
  readonly upper: number;
}

/** Row-by-row quantile of the requests of one arm, written from the README definitions. */
export function oracleQuantile(
  data: SyntheticDataset,
  scope: AnalysisScope,
  arm: string,
  triggeredOnly: boolean,
  q: number,
  alpha: number,
): OracleQuantile {
  const assigned = new Map(data.assignments.map((a) => [a.unitId, a.variant]));
  const units = new Map<string, ExposureRow[]>();
  for (const x of data.exposures) {
    if (inWindow(x.exposedAt.getTime(), scope.window) && assigned.get(x.unitId) === arm) {
      units.set(x.unitId, [...(units.get(x.unitId) ?? []), x]);
    }
  }
  const perUnit: number[][] = [];
  for (const rows of units.values()) {
    const trig = rows.filter((x) => x.triggered).map((x) => x.exposedAt.getTime());
    const since = triggeredOnly ? (trig.length > 0 ? Math.min(...trig) : Infinity) : -Infinity;
    const byRequest = new Map<string, { counted: boolean; v: number | null }>();
    for (const x of rows) {
      const r = byRequest.get(x.requestId ?? x.exposureId) ?? { counted: false, v: null };
      r.counted ||= x.exposedAt.getTime() >= since;
      const v = oracleSignal('latency_ms', x);
      r.v = v === null ? r.v : Math.max(r.v ?? -Infinity, v);
      byRequest.set(x.requestId ?? x.exposureId, r);
    }
    const values = [...byRequest.values()].filter((r) => r.counted && r.v !== null).map((r) => r.v!);
    if (values.length > 0) {
      perUnit.push(values);
    }
  }
  const sorted = perUnit.flat().sort((a, b) => a - b);
  const n = sorted.length;
  const at = (f: number): number => sorted[Math.max(1, Math.ceil(f * n)) - 1]!;
  const estimate = at(q);
  // Linearized clustered variance of F̂ = Σc/Σm: Var(c − F̂m)/(k·m̄²), sample variance over the k units.
  const c = perUnit.map((vs) => vs.filter((v) => v <= estimate).length);
  const m = perUnit.map((vs) => vs.length);
  const k = perUnit.length;
  const f = c.reduce((s, v) => s + v, 0) / n;
  const mBar = n / k;
  const resid = c.map((ci, i) => ci - f * m[i]!);
  const rBar = resid.reduce((s, v) => s + v, 0) / k;
  const s2 = resid.reduce((s, v) => s + (v - rBar) ** 2, 0) / (k - 1);
  const cdfSe = Math.sqrt(s2 / (k * mBar * mBar));
  const z = normalQuantile(1 - alpha / 2);
  const fractions: [number, number] = [Math.max(0, q - z * cdfSe), Math.min(1, q + z * cdfSe)];
  return { n, units: k, estimate, cdfSe, fractions, lower: at(fractions[0]), upper: at(fractions[1]) };
}
