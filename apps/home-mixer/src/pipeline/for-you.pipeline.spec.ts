import fc from 'fast-check';
import { FIXTURE } from '@foryou/world';
import type { Adapters } from '../adapters';
import { explainCandidates } from '../feed/debug-ledger';
import { FAULT_MODES, withFaults, type FaultMode } from '../faults/fault-injection';
import { inMemoryAdapters, runForYou, smallWorld } from '../testing/pipeline-harness';

const world = smallWorld();
const fateOf = (result: Awaited<ReturnType<typeof runForYou>>, id: string) =>
  explainCandidates(result.record).find((c) => c.id === id)?.fate;

describe('For You pipeline over the A–F fixture', () => {
  let adapters: Adapters;

  beforeEach(async () => {
    adapters = await inMemoryAdapters(world);
  });

  it('should serve A, B and F and explain why C, D and E were dropped', async () => {
    const result = await runForYou(world, adapters, { viewerId: FIXTURE.viewerId });
    const ids = result.selected.map((c) => c.id);

    expect(ids).toEqual(expect.arrayContaining([FIXTURE.A, FIXTURE.B, FIXTURE.F]));
    expect(result.selected.find((c) => c.id === FIXTURE.A)).toMatchObject({
      servedType: 'in_network',
      inNetwork: true,
    });
    expect(result.selected.find((c) => c.id === FIXTURE.B)).toMatchObject({ servedType: 'oon_retrieval' });
    expect(result.selected.find((c) => c.id === FIXTURE.F)).toMatchObject({ type: 'ad' });
    expect(fateOf(result, FIXTURE.C)).toMatchObject({
      bucket: 'filtered',
      component: 'PreviouslyServedFilter',
      reason: 'previously_served',
    });
    expect(fateOf(result, FIXTURE.D)).toMatchObject({
      bucket: 'filtered',
      component: 'AuthorSocialgraphFilter',
      reason: 'blocked_author',
    });
    expect(fateOf(result, FIXTURE.E)).toMatchObject({
      bucket: 'filtered',
      component: 'SafetyFilter',
      reason: 'safety_unknown',
    });
    expect(fateOf(result, FIXTURE.F)).toMatchObject({
      bucket: 'selected',
      reason: expect.stringContaining('safe gap') as string,
    });
    // Nothing failed; only the experimental source (off by default) and its gate are disabled.
    expect(result.degradations.filter((d) => d.status !== 'disabled')).toEqual([]);
  });

  it('should record every score contribution and place one who-to-follow module away from ads', async () => {
    const result = await runForYou(world, adapters, { viewerId: FIXTURE.viewerId });
    const b = explainCandidates(result.record).find((c) => c.id === FIXTURE.B)!;
    expect(b.fieldOrigins).toMatchObject({ predictions: 'PhoenixScorer', score: 'WeightedScorer' });
    const breakdown = b.scoring.scoreBreakdown as {
      contributions: Record<string, number>;
      combined: number;
      oonFactor: number;
    };
    expect(Object.values(breakdown.contributions).reduce((s, v) => s + v, 0)).toBeCloseTo(breakdown.combined);
    expect(breakdown.oonFactor).toBe(0.75);

    const page = result.selected;
    const wtf = page.findIndex((c) => c.type === 'who_to_follow');
    expect(wtf).toBeGreaterThanOrEqual(5);
    expect(page[wtf]!.suggestedUserIds!.length).toBeGreaterThan(0);
    const followed = world.following(FIXTURE.viewerId);
    expect(
      page[wtf]!.suggestedUserIds!.some((u) => followed.has(u) || world.blocked(FIXTURE.viewerId).has(u)),
    ).toBe(false);
    expect([page[wtf - 1]?.type, page[wtf + 1]?.type]).not.toContain('ad');
    expect(page[page.length - 1]!.type).not.toBe('ad');
    expect(page.length).toBe(20);
  });

  it('should produce the same page for the same inputs', async () => {
    const first = await runForYou(world, adapters, { viewerId: FIXTURE.viewerId });
    const second = await runForYou(world, await inMemoryAdapters(world), { viewerId: FIXTURE.viewerId });
    expect(second.selected.map((c) => c.id)).toEqual(first.selected.map((c) => c.id));
  });

  it('should keep D out when the block list cannot be read, serving only provably unblocked authors', async () => {
    const broken = {
      ...adapters,
      socialGraph: withFaults(adapters.socialGraph, (m) => (m === 'blocked' ? 'error' : 'ok')),
    };
    const result = await runForYou(world, broken, { viewerId: FIXTURE.viewerId });
    expect(result.selected.map((c) => c.id)).not.toContain(FIXTURE.D);
    expect(fateOf(result, FIXTURE.D)).toMatchObject({ reason: 'block_list_unavailable' });
    expect(result.selected.filter((c) => c.type === 'post').every((c) => c.inNetwork)).toBe(true);
    expect(result.degradations.filter((d) => d.status !== 'disabled')).toEqual([
      expect.objectContaining({ component: 'BlockedIds', policy: 'fail_closed' }),
    ]);
  });

  it('should give an unknown viewer a valid feed without personalised sources', async () => {
    const result = await runForYou(world, adapters, { viewerId: 'nobody-here' });
    expect(result.selected.filter((c) => c.type === 'post')).toEqual([]);
    expect(result.degradations.map((d) => [d.component, d.status])).toEqual(
      expect.arrayContaining([
        ['ThunderSource', 'disabled'],
        ['PhoenixRetrievalSource', 'disabled'],
      ]),
    );
  });

  it('should never serve D or E, and give every dropped candidate a reason, under any combination of failures', async () => {
    const clients = [
      'socialGraph',
      'inNetworkPosts',
      'retrieval',
      'postStore',
      'safetyLabels',
      'ranking',
      'ads',
      'servedHistory',
      'candidateCache',
    ] as const;
    const modes = fc.record(
      Object.fromEntries(clients.map((c) => [c, fc.constantFrom<FaultMode>(...FAULT_MODES)])) as Record<
        (typeof clients)[number],
        fc.Arbitrary<FaultMode>
      >,
    );
    await fc.assert(
      fc.asyncProperty(modes, async (m) => {
        const faulty = { ...adapters } as Record<string, unknown>;
        for (const c of clients) {
          faulty[c] = withFaults(adapters[c], () => m[c]);
        }
        const result = await runForYou(world, faulty as unknown as Adapters, { viewerId: FIXTURE.viewerId });
        const ids = result.selected.map((c) => c.id);
        expect(ids).not.toContain(FIXTURE.D);
        expect(ids).not.toContain(FIXTURE.E);
        for (const c of result.selected.filter((s) => s.type === 'post')) {
          expect(c.safety).toMatchObject({ state: 'present' });
          expect(c.safety).not.toMatchObject({ value: 'unsafe' });
        }
        for (const c of explainCandidates(result.record)) {
          expect(c.fate.reason).toBeTruthy();
          expect(c.fate.reason).not.toBe('unaccounted');
        }
        const page = result.selected;
        page.forEach((c, i) => {
          if (c.type === 'ad') {
            expect(i).toBeGreaterThan(0);
            expect(i).toBeLessThan(page.length - 1);
            for (const n of [page[i - 1]!, page[i + 1]!]) {
              expect(n.type).toBe('post');
              expect(n.brandSafety === 'safe' || n.brandSafety === 'low_risk').toBe(true);
            }
          }
        });
        const failing = clients.filter((c) => m[c] !== 'ok' && c !== 'candidateCache');
        if (failing.length > 0 && m.ads === 'ok') {
          expect(result.degradations.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
