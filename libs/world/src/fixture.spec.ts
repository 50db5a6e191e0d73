import { ACTION_LOG, indexActionHistory } from './action-history';
import { generateEngagementLog } from './engagement';
import { FIXTURE, NICHE_READER_IMPRESSIONS, NICHE_READER_SHARE, VIEWER_NICHE_POSTS } from './fixture';
import { type Scale, type World } from './types';
import { generateWorld, type SyntheticWorld } from './world';

const RECENT_MS = 48 * 3_600_000;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    s += a[k]! * b[k]!;
  }
  return s;
}

/** Rank (0 = most similar) of each post id by cosine similarity to the viewer, among all posts. */
function similarityRanks(world: World, viewerId: string, ids: readonly string[]): Map<string, number> {
  const v = world.users.get(viewerId)!.embedding;
  const sims = world.postList.map((p) => dot(v, p.embedding));
  const ranks = new Map<string, number>();
  for (const id of ids) {
    const s = dot(v, world.posts.get(id)!.embedding);
    ranks.set(
      id,
      sims.reduce((n, x) => n + (x > s ? 1 : 0), 0),
    );
  }
  return ranks;
}

const cases: ReadonlyArray<readonly [Scale, number]> = [
  ['small', 42],
  ['small', 1],
  ['small', 2026],
  ['medium', 7],
];

describe.each(cases)('A–F fixture at %s scale, seed %d', (scale, seed) => {
  let world: World;
  const viewer = FIXTURE.viewerId;
  beforeAll(() => {
    world = generateWorld({ seed, scale });
  });

  const post = (id: string) => world.posts.get(id)!;
  const me = () => world.users.get(viewer)!;
  const isRecent = (id: string) => world.nowMs - post(id).createdAtMs < RECENT_MS;

  it('has the viewer xiaolin', () => {
    expect(world.users.get(viewer)?.handle).toBe('xiaolin');
  });

  it('A: recent, in-network (xiaolin follows its author), safe', () => {
    expect(post(FIXTURE.A).authorId).toBe(FIXTURE.authorA);
    expect(world.following(viewer).has(FIXTURE.authorA)).toBe(true);
    expect(isRecent(FIXTURE.A)).toBe(true);
    expect(world.postsByAuthor(FIXTURE.authorA)[0]?.id).toBe(FIXTURE.A);
    expect(world.safetyLabel(FIXTURE.A)).toEqual({ state: 'present', label: 'safe' });
  });

  it('B: recent, out-of-network, safe', () => {
    expect(post(FIXTURE.B).authorId).toBe(FIXTURE.authorB);
    expect(world.following(viewer).has(FIXTURE.authorB)).toBe(false);
    expect(world.blocked(viewer).has(FIXTURE.authorB)).toBe(false);
    expect(world.muted(viewer).has(FIXTURE.authorB)).toBe(false);
    expect(isRecent(FIXTURE.B)).toBe(true);
    expect(world.safetyLabel(FIXTURE.B)).toEqual({ state: 'present', label: 'safe' });
  });

  it('C: older, safe, in both the served history and the candidate cache', () => {
    expect(isRecent(FIXTURE.C)).toBe(true);
    expect(world.servedHistory(viewer)).toContain(FIXTURE.C);
    expect(world.cachedCandidates(viewer)).toContain(FIXTURE.C);
    expect(world.safetyLabel(FIXTURE.C)).toEqual({ state: 'present', label: 'safe' });
  });

  it('D: recent, by an author xiaolin blocked (and therefore does not follow)', () => {
    expect(post(FIXTURE.D).authorId).toBe(FIXTURE.authorD);
    expect(world.blocked(viewer).has(FIXTURE.authorD)).toBe(true);
    expect(world.following(viewer).has(FIXTURE.authorD)).toBe(false);
    expect(isRecent(FIXTURE.D)).toBe(true);
  });

  it('E: recent, out-of-network, its safety lookup is a dependency error', () => {
    expect(post(FIXTURE.E).authorId).toBe(FIXTURE.authorE);
    expect(world.following(viewer).has(FIXTURE.authorE)).toBe(false);
    expect(isRecent(FIXTURE.E)).toBe(true);
    expect(world.safetyLabel(FIXTURE.E).state).toBe('dependency_error');
  });

  it('B, D and E are in the top 1% of all posts by cosine similarity to xiaolin', () => {
    const ranks = similarityRanks(world, viewer, [FIXTURE.B, FIXTURE.D, FIXTURE.E]);
    for (const rank of ranks.values()) {
      expect(rank).toBeLessThan(world.postList.length * 0.01);
    }
  });

  it('F: an ad on xiaolin’s top interest with an embedding close to hers', () => {
    const ad = world.ads.find((a) => a.id === FIXTURE.F)!;
    expect(ad).toBeDefined();
    const me = world.users.get(viewer)!;
    const top = me.interests.indexOf(Math.max(...me.interests));
    expect(ad.topic).toBe(top);
    expect(dot(ad.embedding, me.embedding)).toBeGreaterThan(0.8);
    expect(world.posts.has(FIXTURE.F)).toBe(false);
  });

  it('served history holds none of the fresh fixture posts', () => {
    const served = new Set(world.servedHistory(viewer));
    for (const id of [FIXTURE.A, FIXTURE.B, FIXTURE.D, FIXTURE.E]) {
      expect(served.has(id)).toBe(false);
    }
  });

  it('gives xiaolin ≥ 12 follows, ≥ 20 recent in-network posts with safe, low_risk and medium_risk neighbours', () => {
    const following = world.following(viewer);
    expect(following.size).toBeGreaterThanOrEqual(12);
    const recent = [...following]
      .flatMap((a) => world.postsByAuthor(a))
      .filter((p) => world.nowMs - p.createdAtMs < RECENT_MS)
      .sort((a, b) => b.createdAtMs - a.createdAtMs);
    expect(recent.length).toBeGreaterThanOrEqual(20);
    const labels = recent.slice(0, 24).map((p) => {
      const l = world.safetyLabel(p.id);
      return l.state === 'present' ? l.label : l.state;
    });
    const count = (label: string) => labels.filter((l) => l === label).length;
    expect(count('medium_risk')).toBeGreaterThanOrEqual(3);
    expect(count('low_risk')).toBeGreaterThanOrEqual(2);
    expect(count('safe')).toBeGreaterThanOrEqual(10);
  });

  it('has a niche near xiaolin: older posts on her topics by authorB, authorD, authorE and others', () => {
    const niche = (world as SyntheticWorld).scriptedImpressions(viewer);
    expect(niche).toHaveLength(VIEWER_NICHE_POSTS);
    const me = world.users.get(viewer)!;
    const authors = new Set<string>();
    for (const id of niche) {
      const p = post(id);
      expect(id).toMatch(/^p\d+$/);
      expect(isRecent(id)).toBe(false);
      expect(p.kind).toBe('original');
      expect(me.interests[p.topic]).toBeGreaterThan(0);
      expect(dot(me.embedding, p.embedding)).toBeGreaterThan(0.6);
      authors.add(p.authorId);
    }
    for (const a of [FIXTURE.authorB, FIXTURE.authorD, FIXTURE.authorE]) {
      expect(authors.has(a)).toBe(true);
    }
    expect(authors.size).toBeGreaterThan(3);
  });

  it('has niche readers: the users most like xiaolin, each shown a seeded sample of the niche', () => {
    const w = world as SyntheticWorld;
    const niche = new Set(w.scriptedImpressions(viewer));
    const me = world.users.get(viewer)!.embedding;
    const readers = [...world.users.keys()].filter(
      (u) => u !== viewer && w.scriptedImpressions(u).length > 0,
    );
    expect(readers).toHaveLength(Math.round(NICHE_READER_SHARE * world.users.size));
    const again = generateWorld({ seed, scale }) as SyntheticWorld;
    let leastSimilarReader = 1;
    for (const u of readers) {
      const shown = w.scriptedImpressions(u);
      expect(new Set(shown).size).toBe(NICHE_READER_IMPRESSIONS);
      expect(shown.every((id) => niche.has(id))).toBe(true);
      expect(again.scriptedImpressions(u)).toEqual(shown);
      leastSimilarReader = Math.min(leastSimilarReader, dot(me, world.users.get(u)!.embedding));
    }
    const mostSimilarNonReader = Math.max(
      ...[...world.users.values()]
        .filter((u) => /^u\d+$/.test(u.id) && w.scriptedImpressions(u.id).length === 0)
        .map((u) => dot(me, u.embedding)),
    );
    expect(leastSimilarReader).toBeGreaterThanOrEqual(mostSimilarNonReader);
  });

  it("points xiaolin's recent engagement history at B, D and E (top 1% by similarity to its content)", () => {
    // Her events do not depend on how many viewers are logged (she is the first).
    const history = indexActionHistory(generateEngagementLog(world, { ...ACTION_LOG, users: 1 }));
    const recent = history.recent(viewer, 64, world.nowMs);
    const niche = new Set((world as SyntheticWorld).scriptedImpressions(viewer));
    expect(recent.filter((r) => niche.has(r.postId)).length).toBeGreaterThan(recent.length / 2);
    expect(recent.some((r) => post(r.postId).authorId === FIXTURE.authorD)).toBe(false);
    const mean = new Float32Array(me().embedding.length);
    for (const r of recent) {
      post(r.postId).embedding.forEach((x, k) => (mean[k] = mean[k]! + x));
    }
    const sims = world.postList.map((p) => dot(mean, p.embedding));
    for (const id of [FIXTURE.B, FIXTURE.D, FIXTURE.E]) {
      const s = dot(mean, post(id).embedding);
      expect(sims.filter((x) => x > s).length).toBeLessThan(world.postList.length * 0.01);
    }
  });

  it('keeps the world invariant for every user: nobody follows someone they blocked', () => {
    const violations = [...world.users.keys()].flatMap((u) =>
      [...world.blocked(u)].filter((b) => world.following(u).has(b)).map((b) => `${u} follows blocked ${b}`),
    );
    expect(violations).toEqual([]);
  });
});
