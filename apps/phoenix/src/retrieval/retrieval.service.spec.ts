import { type SearchBudget, UNBOUNDED } from '@foryou/phoenix-model';
import { actionHistory, FIXTURE } from '@foryou/world';
import { PhoenixError } from '../errors/phoenix-error';
import { smallRuntime } from '../testing/small-runtime';
import { type RetrieveQuery, RetrievalService } from './retrieval.service';

const EXPIRED: SearchBudget = { expired: () => true };

describe('RetrievalService', () => {
  let service: RetrievalService;
  let query: RetrieveQuery;
  let nowMs: number;
  let authorOf: (postId: string) => string | undefined;
  let createdAt: (postId: string) => number;

  beforeAll(async () => {
    const { world, runtime, index } = await smallRuntime();
    service = new RetrievalService(runtime, index);
    nowMs = world.nowMs;
    authorOf = (id) => world.posts.get(id)?.authorId;
    createdAt = (id) => world.posts.get(id)!.createdAtMs;
    const sequence = actionHistory(world).recent(FIXTURE.viewerId, 32, world.nowMs);
    query = {
      viewerId: FIXTURE.viewerId,
      sequence,
      k: 20,
      notBeforeMs: 0,
      excludeAuthorIds: [],
      exact: false,
    };
  });

  it('returns k posts, complete, by (similarity desc, id asc), with versions; never the viewer’s own', async () => {
    const res = await service.retrieve(query, UNBOUNDED);
    expect(res).toMatchObject({ status: 'complete', index: 'hnsw', corpusVersion: 'world-small-42-v2' });
    expect(res.posts).toHaveLength(20);
    const sorted = [...res.posts].sort(
      (a, b) => b.similarity - a.similarity || (a.postId < b.postId ? -1 : 1),
    );
    expect(res.posts).toEqual(sorted);
    expect(res.posts.some((p) => authorOf(p.postId) === FIXTURE.viewerId)).toBe(false);
  });

  it('exact=true is the brute-force reference, and HNSW agrees with it', async () => {
    const exact = await service.retrieve({ ...query, exact: true }, UNBOUNDED);
    const hnsw = await service.retrieve(query, UNBOUNDED);
    expect(exact.index).toBe('exact');
    const ids = new Set(exact.posts.map((p) => p.postId));
    expect(hnsw.posts.filter((p) => ids.has(p.postId)).length).toBeGreaterThanOrEqual(18);
  });

  it('no usable history → no_personalisation, no posts', async () => {
    const res = await service.retrieve(
      { ...query, sequence: [{ postId: 'A', action: 'mute_author', atMs: 1 }] },
      UNBOUNDED,
    );
    expect(res).toMatchObject({ status: 'no_personalisation', posts: [] });
  });

  it('filters not_before_ms and excluded authors; fewer eligible than k is still complete', async () => {
    const notBeforeMs = nowMs - 15 * 60_000;
    const first = await service.retrieve({ ...query, notBeforeMs }, UNBOUNDED);
    const excluded = authorOf(first.posts[0]!.postId)!;
    const res = await service.retrieve(
      { ...query, k: 10_000, notBeforeMs, excludeAuthorIds: [excluded] },
      UNBOUNDED,
    );
    expect(res.status).toBe('complete');
    expect(res.posts.length).toBeGreaterThan(0);
    expect(res.posts.length).toBeLessThan(10_000);
    expect(
      res.posts.every((p) => createdAt(p.postId) >= notBeforeMs && authorOf(p.postId) !== excluded),
    ).toBe(true);
  });

  it('out of time: partial when something was found, DEADLINE_EXCEEDED when nothing was', async () => {
    const partialExact = await service.retrieve({ ...query, exact: true }, EXPIRED);
    expect(partialExact.status).toBe('partial'); // only the first chunk of the corpus was compared
    // A filter so selective that the first HNSW round cannot fill k: the budget stops the next round.
    const notBeforeMs = nowMs - 20 * 60_000;
    const partialAnn = await service.retrieve({ ...query, k: 500, notBeforeMs }, EXPIRED);
    expect(partialAnn.status).toBe('partial');
    expect(partialAnn.posts.length).toBeLessThan(500);
    await expect(service.retrieve({ ...query, k: 5, notBeforeMs: nowMs + 1 }, EXPIRED)).rejects.toMatchObject(
      {
        code: 'deadline_exceeded',
      },
    );
  });

  it('k out of range is INVALID_ARGUMENT', async () => {
    for (const k of [0, 10_001, 1.5]) {
      await expect(service.retrieve({ ...query, k }, UNBOUNDED)).rejects.toBeInstanceOf(PhoenixError);
    }
  });
});
