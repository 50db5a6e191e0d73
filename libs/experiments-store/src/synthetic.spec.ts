import {
  syntheticConfig,
  syntheticDataset,
  syntheticUnit,
  syntheticUnitCount,
  syntheticUnits,
} from './synthetic';
import type { ExposureRow } from './types';

describe('synthetic data', () => {
  const config = syntheticConfig({ seed: 11, units: 400, orphanUnits: 4 });

  it('should be deterministic: same seed, same rows; another seed, other rows', () => {
    expect(syntheticDataset(config)).toEqual(syntheticDataset(config));
    expect(syntheticDataset({ ...config, seed: 12 })).not.toEqual(syntheticDataset(config));
  });

  it('should generate unit i the same way alone or in sequence (streaming in passes)', () => {
    const all = [...syntheticUnits(config)];
    expect(all).toHaveLength(syntheticUnitCount(config));
    for (const i of [0, 1, 57, 399, 400, 403]) {
      expect(syntheticUnit(config, i)).toEqual(all[i]);
    }
  });

  it('should produce unique keys and well-formed rows', () => {
    const data = syntheticDataset(config);
    const unique = (keys: string[]): boolean => new Set(keys).size === keys.length;
    expect(unique(data.assignments.map((a) => a.unitId))).toBe(true);
    expect(unique(data.exposures.map((x) => x.exposureId))).toBe(true);
    expect(unique(data.outcomes.map((o) => `${o.unitId}|${o.clientEventId}`))).toBe(true);
    const end = config.start.getTime() + config.days * 86_400_000;
    for (const x of data.exposures) {
      expect(x.exposedAt.getTime()).toBeGreaterThanOrEqual(config.start.getTime());
      expect(x.exposedAt.getTime()).toBeLessThan(end);
    }
    for (const o of data.outcomes) {
      expect(Number.isInteger(o.value)).toBe(true);
      expect(o.receivedAt.getTime()).toBeGreaterThanOrEqual(o.occurredAt.getTime());
    }
    // Orphans: exposed, never assigned.
    expect(data.assignments.some((a) => a.unitId.startsWith('orphan'))).toBe(false);
    expect(data.exposures.filter((x) => x.unitId.startsWith('orphan')).length).toBeGreaterThanOrEqual(4);
  });

  it('should split traffic by weight and make control triggers counterfactual', () => {
    const data = syntheticDataset({
      ...config,
      units: 4000,
      arms: [
        { name: 'control', weight: 1 },
        { name: 'treatment', weight: 3 },
      ],
    });
    const share = data.assignments.filter((a) => a.variant === 'treatment').length / data.assignments.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    expect(data.exposures.filter((x) => x.counterfactual).every((x) => x.triggered)).toBe(true);
  });

  it('should produce the awkward cases attribution must handle', () => {
    const data = syntheticDataset(syntheticConfig({ seed: 3, units: 2000 }));
    expect(data.exposures.some((x) => x.exposureId.endsWith(':dup'))).toBe(true);
    expect(data.outcomes.some((o) => o.requestId === null)).toBe(true);
    expect(data.outcomes.some((o) => o.clientEventId.startsWith('pre:'))).toBe(true);
    expect(data.covariates.length).toBeGreaterThan(1000);
  });

  it('should reject an impossible config', () => {
    expect(() => syntheticUnit({ ...config, arms: [] }, 0)).toThrow(RangeError);
    expect(() => syntheticUnit({ ...config, meanExposures: 0.5 }, 0)).toThrow(RangeError);
  });

  it('should draw serving facts from their own stream: the other rows are the same without them', () => {
    const withFacts = syntheticDataset(config);
    const without = syntheticDataset({ ...config, serving: null });
    const strip = ({ latencyMs: _l, itemsReturned: _i, requestedItems: _r, ...rest }: ExposureRow) => rest;
    expect(withFacts.exposures.map(strip)).toEqual(without.exposures);
    expect(withFacts.outcomes).toEqual(without.outcomes);
    expect(without.exposures.every((x) => x.latencyMs === undefined)).toBe(true);
    const facts = withFacts.exposures;
    expect(facts.every((x) => x.latencyMs! > 0 && x.requestedItems === 30)).toBe(true);
    expect(facts.every((x) => x.itemsReturned! >= 0 && x.itemsReturned! <= 30)).toBe(true);
    expect(facts.some((x) => x.itemsReturned === 0)).toBe(true);
    expect(facts.some((x) => x.itemsReturned! > 0 && x.itemsReturned! < 30)).toBe(true);
    // A duplicate exposure is the same request: same facts.
    const byId = new Map(facts.map((x) => [x.exposureId, x]));
    for (const dup of facts.filter((x) => x.exposureId.endsWith(':dup'))) {
      expect(dup.latencyMs).toBe(byId.get(dup.exposureId.replace(/:dup$/, ''))!.latencyMs);
    }
  });

  it('should apply the arm factors to triggered requests only', () => {
    const slow = syntheticDataset({
      ...config,
      units: 2000,
      arms: [
        { name: 'control', weight: 1 },
        { name: 'treatment', weight: 1, latencyFactor: 2 },
      ],
    });
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const latency = (variant: string, triggered: boolean): number =>
      median(
        slow.exposures
          .filter((x) => x.variant === variant && x.triggered === triggered && !x.unitId.startsWith('orphan'))
          .map((x) => x.latencyMs!),
      );
    expect(latency('treatment', true) / latency('control', true)).toBeGreaterThan(1.7);
    expect(latency('treatment', false) / latency('control', false)).toBeLessThan(1.2);
  });

  it('should stop exposing a killed arm at its kill and assign none of its later units', () => {
    const killedAt = new Date(config.start.getTime() + 3 * 86_400_000);
    const killed = syntheticDataset({
      ...config,
      arms: [
        { name: 'control', weight: 1 },
        { name: 'treatment', weight: 1, killedAt },
      ],
    });
    const treatmentUnits = new Set(
      killed.assignments.filter((a) => a.variant === 'treatment').map((a) => a.unitId),
    );
    const after = (t: Date): boolean => t.getTime() >= killedAt.getTime();
    expect(killed.exposures.some((x) => treatmentUnits.has(x.unitId) && after(x.exposedAt))).toBe(false);
    expect(killed.exposures.some((x) => x.variant === 'treatment' && after(x.exposedAt))).toBe(false);
    expect(killed.assignments.some((a) => a.variant === 'treatment' && after(a.assignedAt))).toBe(false);
    expect(killed.assignments.some((a) => a.variant === 'control' && after(a.assignedAt))).toBe(true);
    expect(killed.exposures.some((x) => treatmentUnits.has(x.unitId))).toBe(true);
  });
});
