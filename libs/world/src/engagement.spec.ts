import {
  ACTIONS,
  type Action,
  actionProbabilities,
  affinity,
  type Engagement,
  engagementFeatures,
  engagementProbabilities,
  generateEngagementLog,
  simulateEngagement,
} from './engagement';
import { FIXTURE } from './fixture';
import { createRng } from './rng';
import { type SafetyLabel, type World } from './types';
import { generateWorld, type SyntheticWorld } from './world';

const POSITIVE: readonly Action[] = ['favorite', 'reply', 'repost', 'click', 'dwell'];
const NEGATIVE: readonly Action[] = ['not_interested', 'block_author', 'mute_author', 'report'];
const LABELS: readonly SafetyLabel[] = ['safe', 'low_risk', 'medium_risk', 'unsafe'];

function summary(log: readonly Engagement[]): string[] {
  return log.map((e) => `${e.viewerId}|${e.postId}|${e.atMs}|${[...e.actions].join('+')}|${e.dwellMs}`);
}

describe('actionProbabilities (the ground-truth response model)', () => {
  const grid = Array.from({ length: 26 }, (_, i) => -0.5 + i * 0.1);

  it('lists every action once, positives first', () => {
    expect([...ACTIONS]).toEqual([...POSITIVE, ...NEGATIVE]);
  });

  it('stays in (0, 1); positives rise and negatives fall with affinity', () => {
    for (const label of LABELS) {
      for (const inNetwork of [false, true]) {
        const ps = grid.map((a) => actionProbabilities({ affinity: a, inNetwork, label }));
        for (const p of ps) {
          for (const a of ACTIONS) {
            expect(p[a]).toBeGreaterThan(0);
            expect(p[a]).toBeLessThan(1);
          }
        }
        for (let i = 1; i < ps.length; i++) {
          for (const a of POSITIVE) {
            expect(ps[i]![a]).toBeGreaterThan(ps[i - 1]![a]);
          }
          for (const a of NEGATIVE) {
            expect(ps[i]![a]).toBeLessThan(ps[i - 1]![a]);
          }
        }
      }
    }
  });

  it('raises every negative action with the risk label, and positives when in-network', () => {
    for (const affinity of [0, 0.5, 1.2]) {
      const byLabel = LABELS.map((label) => actionProbabilities({ affinity, inNetwork: false, label }));
      for (let i = 1; i < byLabel.length; i++) {
        for (const a of NEGATIVE) {
          expect(byLabel[i]![a]).toBeGreaterThan(byLabel[i - 1]![a]);
        }
      }
      const oon = actionProbabilities({ affinity, inNetwork: false, label: 'safe' });
      const inn = actionProbabilities({ affinity, inNetwork: true, label: 'safe' });
      for (const a of POSITIVE) {
        expect(inn[a]).toBeGreaterThan(oon[a]);
      }
    }
  });
});

describe('engagement on a small world', () => {
  let world: World;
  const viewer = FIXTURE.viewerId;
  beforeAll(() => {
    world = generateWorld({ seed: 5, scale: 'small' });
  });

  it('gives realistic rates over random impressions: favorite a few %, report ≪ 1%', () => {
    const rng = createRng(1);
    const users = [...world.users.keys()];
    const mean: Record<string, number> = {};
    const outOfRange: string[] = [];
    const n = 2_000;
    for (let i = 0; i < n; i++) {
      const p = engagementProbabilities(
        world,
        users[rng.int(users.length)]!,
        world.postList[rng.int(world.postList.length)]!.id,
      );
      for (const a of ACTIONS) {
        if (!(p[a] >= 0 && p[a] <= 1)) {
          outOfRange.push(`${a}=${p[a]}`);
        }
        mean[a] = (mean[a] ?? 0) + p[a] / n;
      }
    }
    expect(outOfRange).toEqual([]);
    expect(mean['favorite']).toBeGreaterThan(0.005);
    expect(mean['favorite']).toBeLessThan(0.08);
    expect(mean['report']).toBeLessThan(0.002);
    expect(mean['report']).toBeLessThan(mean['block_author']! * 2);
    expect(mean['reply']).toBeLessThan(mean['favorite']!);
    expect(mean['dwell']).toBeGreaterThan(mean['click']!);
  });

  it('ranks by latent affinity: for one viewer, favorite rises and not_interested falls with affinity', () => {
    const following = world.following(viewer);
    const posts = world.postList
      .filter((p) => !following.has(p.authorId) && engagementFeatures(world, viewer, p.id).label === 'safe')
      .slice(0, 400)
      .map((p) => ({ a: affinity(world, viewer, p.id), p: engagementProbabilities(world, viewer, p.id) }))
      .sort((x, y) => x.a - y.a);
    for (let i = 1; i < posts.length; i++) {
      expect(posts[i]!.p.favorite).toBeGreaterThanOrEqual(posts[i - 1]!.p.favorite);
      expect(posts[i]!.p.not_interested).toBeLessThanOrEqual(posts[i - 1]!.p.not_interested);
    }
    expect(posts[posts.length - 1]!.p.favorite).toBeGreaterThan(3 * posts[0]!.p.favorite);
    const b = engagementProbabilities(world, viewer, FIXTURE.B);
    expect(b.favorite).toBeGreaterThan(posts[Math.floor(posts.length / 2)]!.p.favorite);
  });

  it('uses the hidden true label even when the lookup fails (E is truly medium_risk)', () => {
    expect(world.safetyLabel(FIXTURE.E).state).toBe('dependency_error');
    const e = engagementFeatures(world, viewer, FIXTURE.E);
    expect(e.label).toBe('medium_risk');
    expect(engagementProbabilities(world, viewer, FIXTURE.E)).toEqual(actionProbabilities(e));
  });

  it('throws RangeError for unknown viewers or posts', () => {
    expect(() => engagementProbabilities(world, 'nobody', FIXTURE.A)).toThrow(RangeError);
    expect(() => engagementProbabilities(world, viewer, 'nope')).toThrow(RangeError);
  });

  it('simulateEngagement is deterministic for an rng seed and matches the probabilities empirically', () => {
    const once = (seed: number) => simulateEngagement(world, viewer, FIXTURE.B, createRng(seed), 123);
    expect(once(9)).toEqual(once(9));
    const p = engagementProbabilities(world, viewer, FIXTURE.B);
    const rng = createRng(2);
    const n = 20_000;
    const hits: Record<string, number> = {};
    let dwellSum = 0;
    let scrollMax = 0;
    for (let i = 0; i < n; i++) {
      const e = simulateEngagement(world, viewer, FIXTURE.B, rng, world.nowMs);
      if (e.actions.has('dwell')) {
        dwellSum += e.dwellMs;
      } else {
        scrollMax = Math.max(scrollMax, e.dwellMs);
      }
      for (const a of e.actions) {
        hits[a] = (hits[a] ?? 0) + 1;
      }
    }
    expect(scrollMax).toBeGreaterThan(0);
    expect(scrollMax).toBeLessThanOrEqual(1_500);
    expect(dwellSum / (hits['dwell'] ?? 1)).toBeGreaterThan(3_000);
    for (const a of ACTIONS) {
      const rate = (hits[a] ?? 0) / n;
      expect(Math.abs(rate - p[a])).toBeLessThan(5 * Math.sqrt((p[a] * (1 - p[a])) / n) + 5e-4);
    }
  });

  it('generateEngagementLog is deterministic, time-ordered and respects the feed rules', () => {
    const opts = { seed: 3, impressionsPerUser: 15, users: 200 };
    const log = generateEngagementLog(world, opts);
    expect(summary(generateEngagementLog(world, opts))).toEqual(summary(log));
    expect(summary(generateEngagementLog(world, { ...opts, seed: 4 }))).not.toEqual(summary(log));
    expect(log.length).toBeGreaterThan(0.9 * 200 * 15);
    expect(log.length).toBeLessThanOrEqual(200 * 15);
    const viewers = new Set([...world.users.keys()].slice(0, 200));
    expect(viewers.has(viewer)).toBe(true);
    const bad = log.filter((e, i) => {
      const post = world.posts.get(e.postId)!;
      return (
        (i > 0 && e.atMs < log[i - 1]!.atMs) ||
        !viewers.has(e.viewerId) ||
        post.authorId === e.viewerId ||
        world.blocked(e.viewerId).has(post.authorId) ||
        world.muted(e.viewerId).has(post.authorId) ||
        e.atMs < post.createdAtMs ||
        e.atMs > world.nowMs
      );
    });
    expect(bad).toEqual([]);
    const pairs = new Set(log.map((e) => `${e.viewerId}|${e.postId}`));
    expect(pairs.size).toBe(log.length);
  });

  it("keeps each viewer's events independent of how many viewers are logged", () => {
    const small = generateEngagementLog(world, { seed: 8, impressionsPerUser: 10, users: 5 });
    const big = generateEngagementLog(world, { seed: 8, impressionsPerUser: 10, users: 20 });
    const first5 = new Set(small.map((e) => e.viewerId));
    expect(first5.size).toBe(5);
    expect(summary(big.filter((e) => first5.has(e.viewerId)))).toEqual(summary(small));
    expect(generateEngagementLog(world, { seed: 8, impressionsPerUser: 0 })).toEqual([]);
    expect(() => generateEngagementLog(world, { seed: 8, impressionsPerUser: -1 })).toThrow(RangeError);
    expect(() => generateEngagementLog(world, { seed: 8, impressionsPerUser: 1, users: 10_000 })).toThrow(
      RangeError,
    );
  });

  it("shows a viewer's scripted impressions (xiaolin's niche) first, within the budget and the feed rules", () => {
    const niche = (world as SyntheticWorld).scriptedImpressions(viewer);
    expect(niche.length).toBeGreaterThan(10);
    const hidden = new Set([...world.blocked(viewer), ...world.muted(viewer)]);
    const visible = niche.filter((id) => !hidden.has(world.posts.get(id)!.authorId));
    expect(visible.length).toBeLessThan(niche.length); // some are by authorD, whom she blocked
    const shown = (n: number) =>
      generateEngagementLog(world, { seed: 2, impressionsPerUser: n, users: 1 }).map((e) => e.postId);
    expect(new Set(shown(5))).toEqual(new Set(visible.slice(0, 5)));
    const full = shown(visible.length + 6);
    expect(full).toHaveLength(visible.length + 6);
    expect(full).toEqual(expect.arrayContaining(visible));
    expect((world as SyntheticWorld).scriptedImpressions('u0')).toEqual([]);
  });

  it('logs more positive engagement on high-affinity impressions (ground truth is learnable)', () => {
    const log = generateEngagementLog(world, { seed: 1, impressionsPerUser: 30, users: 400 });
    const scored = log
      .map((e) => ({ a: affinity(world, e.viewerId, e.postId), fav: e.actions.has('favorite') ? 1 : 0 }))
      .sort((x, y) => x.a - y.a);
    const half = Math.floor(scored.length / 2);
    const rate = (xs: typeof scored) => xs.reduce((s, x) => s + x.fav, 0) / xs.length;
    const low = rate(scored.slice(0, half));
    const high = rate(scored.slice(half));
    expect(high).toBeGreaterThan(2 * low);
    const overall = rate(scored);
    expect(overall).toBeGreaterThan(0.005);
    expect(overall).toBeLessThan(0.1);
  });
});
