import { FIXTURE } from './fixture';
import { type Scale, type World } from './types';
import { generateWorld } from './world';

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

  it('gives xiaolin ≥ 20 recent in-network posts with safe, low_risk and medium_risk neighbours', () => {
    const following = world.following(viewer);
    expect(following.size).toBeGreaterThanOrEqual(20);
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

  it('keeps the world invariant for every user: nobody follows someone they blocked', () => {
    const violations = [...world.users.keys()].flatMap((u) =>
      [...world.blocked(u)].filter((b) => world.following(u).has(b)).map((b) => `${u} follows blocked ${b}`),
    );
    expect(violations).toEqual([]);
  });
});
