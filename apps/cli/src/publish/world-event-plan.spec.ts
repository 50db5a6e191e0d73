import { decodePostEvent, encodePostEvent, type PostEvent } from '@foryou/contracts';
import { FIXTURE, generateWorld } from '@foryou/world';
import { planWorldEvents, type PlanNoise, type PlannedEvent } from './world-event-plan';

const world = generateWorld({ seed: 3, scale: 'small' });
const QUIET: PlanNoise = {
  duplicateRate: 0,
  reorderWindow: 1,
  lateRate: 0,
  maxLatenessMs: 1000,
  updateRate: 0,
  deleteRate: 0,
};
const NOISY: PlanNoise = {
  duplicateRate: 0.02,
  reorderWindow: 20,
  lateRate: 0.01,
  maxLatenessMs: 600_000,
  updateRate: 0.05,
  deleteRate: 0.02,
};

/** Decodes the fields as Thunder would: through the contract's zod schema. */
function roundTrip(e: PlannedEvent, publishedAtMs: number): PostEvent {
  const flat = encodePostEvent({ ...e, publishedAtMs });
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    fields[flat[i]!] = flat[i + 1]!;
  }
  const decoded = decodePostEvent(fields);
  if (!decoded.ok) {
    throw new Error(`${e.eventId}: ${decoded.reason}`);
  }
  return decoded.event;
}

describe(planWorldEvents.name, () => {
  it('should publish one create per post, in event-time order, when there is no noise', () => {
    const plan = planWorldEvents(world, 3, QUIET);

    expect(plan.events).toHaveLength(world.postList.length);
    expect(new Set(plan.events.map((e) => e.postId)).size).toBe(world.postList.length);
    expect(plan.events.every((e) => e.type === 'create' && e.version === 1)).toBe(true);
    expect(plan.events.every((e, i) => i === 0 || plan.events[i - 1]!.eventTimeMs <= e.eventTimeMs)).toBe(
      true,
    );
    expect(plan.counts).toEqual({
      creates: world.postList.length,
      updates: 0,
      deletes: 0,
      duplicates: 0,
      late: 0,
    });
  });

  it('should be deterministic for a seed and differ for another', () => {
    const ids = (seed: number) => planWorldEvents(world, seed, NOISY).events.map((e) => e.eventId);

    expect(ids(3)).toEqual(ids(3));
    expect(ids(4)).not.toEqual(ids(3));
  });

  it('should keep every post history valid: versions and content times only grow, fixtures untouched', () => {
    const plan = planWorldEvents(world, 3, NOISY);
    const byPost = new Map<string, Map<number, PlannedEvent>>();
    for (const e of plan.events) {
      byPost.set(e.postId, (byPost.get(e.postId) ?? new Map<number, PlannedEvent>()).set(e.version, e));
    }

    expect(plan.counts.updates).toBeGreaterThan(0);
    expect(plan.counts.deletes).toBeGreaterThan(0);
    for (const [postId, versions] of byPost) {
      const ordered = [...versions.keys()].sort().map((v) => versions.get(v)!);
      expect(ordered.map((e) => e.type)[0]).toBe('create');
      for (let i = 1; i < ordered.length; i++) {
        expect(ordered[i]!.eventTimeMs).toBeGreaterThanOrEqual(ordered[i - 1]!.eventTimeMs);
        expect(ordered[i]!.eventTimeMs).toBeLessThanOrEqual(world.nowMs);
      }
      if ([FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E].includes(postId as 'A')) {
        expect(ordered).toHaveLength(1);
      }
    }
  });

  it('should repeat duplicates with the same event id and content, at most a window later', () => {
    const plan = planWorldEvents(world, 3, NOISY);
    const firstAt = new Map<string, number>();
    let repeats = 0;
    plan.events.forEach((e, i) => {
      const first = firstAt.get(e.eventId);
      if (first === undefined) {
        firstAt.set(e.eventId, i);
        return;
      }
      repeats++;
      expect(plan.events[first]).toEqual(e);
      expect(i - first).toBeLessThanOrEqual(2 * NOISY.reorderWindow);
    });

    expect(repeats).toBe(plan.counts.duplicates);
    expect(repeats).toBeGreaterThan(0);
  });

  it('should reorder only locally, apart from the late events', () => {
    const plan = planWorldEvents(world, 3, { ...NOISY, duplicateRate: 0, lateRate: 0 });
    const sorted = [...plan.events].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
    const rank = new Map(sorted.map((e, i) => [e.eventId, i]));

    const displacement = plan.events.map((e, i) => Math.abs(i - rank.get(e.eventId)!));
    // Ties in event time may sort either way; the window bounds everything else.
    expect(Math.max(...displacement)).toBeLessThan(NOISY.reorderWindow + 5);
    expect(displacement.some((d) => d > 0)).toBe(true);
  });

  it("should produce events that decode through the contract's schema unchanged", () => {
    const plan = planWorldEvents(world, 3, NOISY);

    for (const e of plan.events) {
      expect(roundTrip(e, 1_700_000_000_000)).toEqual({ ...e, publishedAtMs: 1_700_000_000_000 });
    }
  });
});
