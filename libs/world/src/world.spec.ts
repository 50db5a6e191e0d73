import { FIXTURE } from './fixture';
import { SCALES } from './scales';
import { type World } from './types';
import { generateWorld } from './world';

const DAY_MS = 86_400_000;

/** FNV-1a over everything observable: ids, edges, blocks, mutes, labels, post fields, embeddings. */
function digest(world: World): string {
  let h = 0x811c9dc5;
  const feed = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    }
    h = Math.imul(h ^ 0x1f, 0x01000193);
  };
  let e = 0;
  const feedVector = (v: Float32Array): void => {
    for (let i = 0; i < v.length; i++) {
      e = (e * 31 + Math.round(v[i]! * 1e6)) % 1_000_000_007;
    }
  };
  for (const u of world.users.values()) {
    feed(`${u.id}|${u.handle}|${u.createdAtMs}`);
    feedVector(u.embedding);
    feedVector(u.interests);
    feed([...world.following(u.id)].join(','));
    feed([...world.blocked(u.id)].join(','));
    feed([...world.muted(u.id)].join(','));
    feed(world.servedHistory(u.id).join(','));
    feed(world.cachedCandidates(u.id).join(','));
  }
  for (const p of world.postList) {
    const l = world.safetyLabel(p.id);
    const label = l.state === 'present' ? l.label : l.state;
    feed(`${p.id}|${p.authorId}|${p.topic}|${p.kind}|${p.createdAtMs}|${p.text}|${label}`);
    feed(`${p.replyToPostId}|${p.repostOfPostId}|${p.videoDurationMs}`);
  }
  feedVector(world.postEmbeddings);
  for (const a of world.ads) {
    feed(`${a.id}|${a.advertiserId}|${a.topic}|${a.bidMicros}`);
    feedVector(a.embedding);
  }
  feed(String(e));
  return (h >>> 0).toString(16);
}

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('generateWorld (small)', () => {
  let world: World;
  beforeAll(() => {
    world = generateWorld({ seed: 42, scale: 'small' });
  });

  it('is deterministic: the same seed gives an identical world, another seed a different one', () => {
    const again = generateWorld({ seed: 42, scale: 'small' });
    const other = generateWorld({ seed: 43, scale: 'small' });
    const d = digest(world);
    expect(digest(again)).toBe(d);
    expect(digest(other)).not.toBe(d);
    expect(other.version).toBe('world-small-43-v2');
  });

  it('has exactly the SCALES sizes and the resolved config/version', () => {
    expect(world.users.size).toBe(SCALES.small.users);
    expect(world.posts.size).toBe(SCALES.small.posts);
    expect(world.postList).toHaveLength(SCALES.small.posts);
    expect(world.ads).toHaveLength(SCALES.small.ads);
    expect(world.config).toEqual({ seed: 42, scale: 'small', topics: 16, embeddingDim: 32 });
    expect(world.version).toBe('world-small-42-v2');
    expect(world.nowMs).toBe(Date.UTC(2026, 0, 1));
    expect(SCALES.medium).toEqual({ users: 10_000, posts: 100_000, ads: 100 });
    expect(SCALES.large).toEqual({ users: 100_000, posts: 1_000_000, ads: 1_000 });
  });

  it('uses u<n>/p<n>/ad-<n> ids plus the fixture ids', () => {
    const fixtureUsers = new Set<string>([
      FIXTURE.viewerId,
      FIXTURE.authorA,
      FIXTURE.authorB,
      FIXTURE.authorD,
      FIXTURE.authorE,
    ]);
    for (const id of world.users.keys()) {
      expect(fixtureUsers.has(id) || /^u\d+$/.test(id)).toBe(true);
    }
    const fixturePosts = new Set<string>([FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E]);
    expect(world.postList.filter((p) => !/^p\d+$/.test(p.id)).map((p) => p.id)).toEqual([...fixturePosts]);
    expect(world.ads.filter((a) => !/^ad-\d+$/.test(a.id)).map((a) => a.id)).toEqual([FIXTURE.F]);
  });

  it('keeps interests as distributions and every embedding L2-normalised', () => {
    const off = (x: number) => Math.abs(x - 1) > 1e-4;
    const users = [...world.users.values()];
    expect(users.filter((u) => u.interests.length !== 16 || u.interests.some((x) => x < 0))).toEqual([]);
    expect(users.filter((u) => off(u.interests.reduce((a, b) => a + b, 0)))).toEqual([]);
    expect(users.filter((u) => u.embedding.length !== 32 || off(norm(u.embedding)))).toEqual([]);
    expect(world.postList.filter((p) => p.embedding.length !== 32 || off(norm(p.embedding)))).toEqual([]);
    expect(world.ads.filter((a) => a.embedding.length !== 32 || off(norm(a.embedding)))).toEqual([]);
  });

  it('stores post embeddings in one contiguous buffer, row i = postList[i]', () => {
    expect(world.postEmbeddings).toHaveLength(world.postList.length * 32);
    const misplaced = world.postList.filter(
      (p, i) =>
        p.embedding.buffer !== world.postEmbeddings.buffer ||
        p.embedding.byteOffset !== world.postEmbeddings.byteOffset + i * 32 * 4,
    );
    expect(misplaced).toEqual([]);
    expect(world.posts.get('p17')).toBe(world.postList[17]);
  });

  it('spreads posts over the last 7 days with most in the last 48 h', () => {
    const ages = world.postList.map((p) => world.nowMs - p.createdAtMs);
    expect(ages.filter((a) => a < 0 || a > 7 * DAY_MS)).toEqual([]);
    const recent = ages.filter((a) => a < 2 * DAY_MS).length;
    expect(recent / world.postList.length).toBeGreaterThan(0.6);
    expect(recent / world.postList.length).toBeLessThan(0.95);
  });

  it('has mostly original posts and well-formed replies, reposts and videos', () => {
    const kinds = { original: 0, reply: 0, repost: 0, video: 0 };
    const malformed = world.postList.filter((p) => {
      kinds[p.kind]++;
      const target = p.replyToPostId ?? p.repostOfPostId;
      const targetPost = target === undefined ? undefined : world.posts.get(target);
      return (
        !world.users.has(p.authorId) ||
        !(p.topic >= 0 && p.topic < 16) ||
        p.text.length === 0 ||
        (p.replyToPostId !== undefined) !== (p.kind === 'reply') ||
        (p.repostOfPostId !== undefined) !== (p.kind === 'repost') ||
        (p.videoDurationMs !== undefined) !== (p.kind === 'video') ||
        (target !== undefined && !(targetPost && targetPost.createdAtMs <= p.createdAtMs)) ||
        (p.videoDurationMs !== undefined && (p.videoDurationMs < 3_000 || p.videoDurationMs > 600_000))
      );
    });
    expect(malformed).toEqual([]);
    const n = world.postList.length;
    expect(kinds.original / n).toBeGreaterThan(0.65);
    for (const k of ['reply', 'repost', 'video'] as const) {
      expect(kinds[k] / n).toBeGreaterThan(0.02);
      expect(kinds[k] / n).toBeLessThan(0.2);
    }
  });

  it('makes about 20% of users authors and lists their posts newest first', () => {
    let authors = 0;
    let total = 0;
    const wrong: string[] = [];
    for (const u of world.users.values()) {
      const posts = world.postsByAuthor(u.id);
      authors += posts.length > 0 ? 1 : 0;
      total += posts.length;
      posts.forEach((p, i) => {
        if (p.authorId !== u.id || (i > 0 && p.createdAtMs > posts[i - 1]!.createdAtMs)) {
          wrong.push(p.id);
        }
      });
    }
    expect(wrong).toEqual([]);
    expect(total).toBe(world.postList.length);
    expect(authors / world.users.size).toBeGreaterThan(0.15);
    expect(authors / world.users.size).toBeLessThan(0.25);
  });

  it('never lets a user follow themselves or anyone they blocked or muted (all users)', () => {
    let blockers = 0;
    let muters = 0;
    const violations: string[] = [];
    const followers = new Map<string, number>();
    for (const u of world.users.keys()) {
      const following = world.following(u);
      for (const v of [u, ...world.blocked(u), ...world.muted(u)]) {
        if (following.has(v)) {
          violations.push(`${u} -> ${v}`);
        }
      }
      for (const f of following) {
        if (!world.users.has(f)) {
          violations.push(`${u} -> unknown ${f}`);
        }
        followers.set(f, (followers.get(f) ?? 0) + 1);
      }
      blockers += world.blocked(u).size > 0 ? 1 : 0;
      muters += world.muted(u).size > 0 ? 1 : 0;
    }
    expect(violations).toEqual([]);
    const miscounted = [...world.users.keys()].filter(
      (u) => world.followerCount(u) !== (followers.get(u) ?? 0),
    );
    expect(miscounted).toEqual([]);
    expect(blockers / world.users.size).toBeGreaterThan(0.01);
    expect(blockers / world.users.size).toBeLessThan(0.06);
    expect(muters / world.users.size).toBeGreaterThan(0.01);
    expect(muters / world.users.size).toBeLessThan(0.08);
  });

  it('labels posts mostly safe, with low/medium/unsafe, ~0.5% not_found and only E erroring', () => {
    const counts: Record<string, number> = {};
    for (const p of world.postList) {
      const l = world.safetyLabel(p.id);
      const key = l.state === 'present' ? l.label : l.state;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const n = world.postList.length;
    expect(counts['safe']! / n).toBeGreaterThan(0.78);
    expect(counts['low_risk']! / n).toBeGreaterThan(0.07);
    expect(counts['low_risk']! / n).toBeLessThan(0.13);
    expect(counts['medium_risk']! / n).toBeGreaterThan(0.03);
    expect(counts['medium_risk']! / n).toBeLessThan(0.07);
    expect(counts['unsafe']! / n).toBeGreaterThan(0.004);
    expect(counts['unsafe']! / n).toBeLessThan(0.02);
    expect(counts['not_found']! / n).toBeGreaterThan(0.002);
    expect(counts['not_found']! / n).toBeLessThan(0.01);
    expect(counts['dependency_error']).toBe(1);
  });

  it('gives every user deterministic served history / cache entries drawn from followed authors', () => {
    const again = generateWorld({ seed: 42, scale: 'small' });
    const ids = ['u500', 'u3', 'u77'];
    for (const id of [...ids].reverse()) {
      again.servedHistory(id);
    }
    for (const id of ids) {
      const served = world.servedHistory(id);
      expect(again.servedHistory(id)).toEqual(served);
      expect(again.cachedCandidates(id)).toEqual(world.cachedCandidates(id));
      const following = world.following(id);
      for (const postId of [...served, ...world.cachedCandidates(id)]) {
        expect(following.has(world.posts.get(postId)!.authorId)).toBe(true);
      }
    }
  });

  it('builds an ads inventory: topics in range, several ads per advertiser, bids in a sane band', () => {
    const advertisers = new Set(world.ads.map((a) => a.advertiserId));
    expect(advertisers.size).toBeGreaterThan(1);
    expect(advertisers.size).toBeLessThan(world.ads.length);
    const bad = world.ads.filter(
      (a) => !(a.topic >= 0 && a.topic < 16) || !(a.bidMicros >= 100_000 && a.bidMicros <= 20_000_000),
    );
    expect(bad).toEqual([]);
    expect(new Set(world.ads.map((a) => a.id)).size).toBe(world.ads.length);
  });

  it('answers unknown ids with empty results instead of throwing', () => {
    expect(world.following('nobody').size).toBe(0);
    expect(world.blocked('nobody').size).toBe(0);
    expect(world.muted('nobody').size).toBe(0);
    expect(world.followerCount('nobody')).toBe(0);
    expect(world.postsByAuthor('nobody')).toEqual([]);
    expect(world.servedHistory('nobody')).toEqual([]);
    expect(world.cachedCandidates('nobody')).toEqual([]);
    for (const id of ['nope', 'p', 'p-1', 'p1.5', 'p99999999', 'F', 'p01']) {
      expect(world.safetyLabel(id)).toEqual({ state: 'not_found' });
    }
  });

  it('honours topic / dimension overrides and rejects invalid configs', () => {
    const w = generateWorld({ seed: 1, scale: 'small', topics: 5, embeddingDim: 8 });
    expect(w.version).toBe('world-small-1-t5-d8-v2');
    expect(w.postEmbeddings).toHaveLength(SCALES.small.posts * 8);
    expect(w.users.get(FIXTURE.viewerId)!.interests).toHaveLength(5);
    expect(Math.max(...w.postList.map((p) => p.topic))).toBe(4);
    expect(() => generateWorld({ seed: 1.5, scale: 'small' })).toThrow(RangeError);
    expect(() => generateWorld({ seed: 1, scale: 'huge' as never })).toThrow(RangeError);
    expect(() => generateWorld({ seed: 1, scale: 'small', topics: 2 })).toThrow(RangeError);
    expect(() => generateWorld({ seed: 1, scale: 'small', embeddingDim: 0 })).toThrow(RangeError);
  });
});
