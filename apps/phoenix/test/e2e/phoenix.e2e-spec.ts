import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { RetrieveResponse__Output, UserAction } from '@foryou/contracts';
import { actionHistory, ACTIONS, FIXTURE, generateWorld } from '@foryou/world';
import { PhoenixProcess, phoenixClients } from '../support/phoenix-process';

jest.setTimeout(120_000);

const world = generateWorld({ seed: 42, scale: 'small' });
const history = actionHistory(world);
/** xiaolin's sequence as home-mixer's UserActionSequence hydrator sends it. */
const xiaolinSequence: UserAction[] = history
  .recent(FIXTURE.viewerId, 32, world.nowMs)
  .map((a) => ({ post_id: a.postId, action: a.action, at_ms: a.atMs }));

const grpcCode = (p: Promise<unknown>): Promise<status> =>
  p.then(
    () => status.OK,
    (e: ServiceError) => e.code,
  );

function expectSorted(res: RetrieveResponse__Output): void {
  for (let i = 1; i < res.posts.length; i++) {
    const a = res.posts[i - 1]!;
    const b = res.posts[i]!;
    expect(a.similarity > b.similarity || (a.similarity === b.similarity && a.post_id < b.post_id)).toBe(
      true,
    );
  }
}

describe('phoenix process (small world, fresh artifact dir)', () => {
  let root: string;
  let phoenix: PhoenixProcess;
  let clients: ReturnType<typeof phoenixClients>;
  let httpPort: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'phoenix-e2e-'));
    phoenix = PhoenixProcess.start({ PHOENIX_ARTIFACT_DIR: root });
    const ready = await phoenix.ready();
    httpPort = ready.httpPort;
    clients = phoenixClients(ready.grpcPort);
  });

  afterAll(async () => {
    clients?.close();
    await phoenix?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('trained on first start, cached the artifact and the index, and is ready with its versions', async () => {
    expect(phoenix.lines.some((l) => l.msg === 'model trained and cached')).toBe(true);
    const files = readdirSync(join(root, `${world.version}-phoenix-v1`)).sort();
    expect(files).toEqual([
      expect.stringMatching(/^index-phoenix-v1-[0-9a-f]{12}-.*\.hnsw$/),
      'manifest.json',
      'model.bin',
    ]);
    const readyz = (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as Record<
      string,
      unknown
    >;
    expect(readyz).toMatchObject({
      status: 'ready',
      corpus_version: world.version,
      index_posts: world.posts.size,
    });
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toContain(`foryou_phoenix_model_info{model_version="${String(readyz.model_version)}"`);
    expect(metrics).toMatch(/foryou_phoenix_startup_phase_duration_seconds\{phase="train"\} \d/);
    expect(metrics).toMatch(/foryou_phoenix_index_posts \d+/);
  });

  it("Retrieve: xiaolin's sequence → COMPLETE top-k, stably ordered, with model and corpus versions", async () => {
    const res = await clients.retrieve({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      k: 50,
    });
    expect(res.status).toBe('RETRIEVAL_STATUS_COMPLETE');
    expect(res.posts).toHaveLength(50);
    expect(res.index).toBe('hnsw');
    expect(res.corpus_version).toBe(world.version);
    expect(res.model_version).toMatch(/^phoenix-v1-[0-9a-f]{12}$/);
    expectSorted(res);
    expect(res.posts.every((p) => world.posts.get(p.post_id)?.authorId !== FIXTURE.viewerId)).toBe(true);

    const exact = await clients.retrieve({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      k: 50,
      exact: true,
    });
    expect(exact.index).toBe('exact');
    expectSorted(exact);
    const exactIds = new Set(exact.posts.map((p) => p.post_id));
    expect(res.posts.filter((p) => exactIds.has(p.post_id)).length).toBeGreaterThanOrEqual(45);
  });

  it('Retrieve honours not_before_ms and exclude_author_ids', async () => {
    const first = await clients.retrieve({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      k: 20,
    });
    const excluded = [...new Set(first.posts.slice(0, 5).map((p) => world.posts.get(p.post_id)!.authorId))];
    const notBefore = world.nowMs - 24 * 3_600_000;
    const res = await clients.retrieve({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      k: 100,
      not_before_ms: notBefore,
      exclude_author_ids: excluded,
    });
    expect(res.status).toBe('RETRIEVAL_STATUS_COMPLETE');
    expect(res.posts).toHaveLength(100);
    for (const p of res.posts) {
      const post = world.posts.get(p.post_id)!;
      expect(post.createdAtMs).toBeGreaterThanOrEqual(notBefore);
      expect(excluded).not.toContain(post.authorId);
    }
  });

  it('Retrieve: fewer eligible posts than k → COMPLETE with all of them (not PARTIAL)', async () => {
    const notBefore = world.nowMs - 10 * 60_000;
    const eligible = world.postList.filter(
      (p) => p.createdAtMs >= notBefore && p.authorId !== FIXTURE.viewerId,
    );
    const res = await clients.retrieve({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      k: 10_000,
      not_before_ms: notBefore,
    });
    expect(res.status).toBe('RETRIEVAL_STATUS_COMPLETE');
    expect(res.posts.map((p) => p.post_id).sort()).toEqual(eligible.map((p) => p.id).sort());
  });

  it('Retrieve: no usable history → NO_PERSONALISATION with no posts', async () => {
    const none = await clients.retrieve({ viewer_id: 'newcomer', action_sequence: [], k: 10 });
    expect(none).toMatchObject({ status: 'RETRIEVAL_STATUS_NO_PERSONALISATION', posts: [] });
    const negativeOnly = await clients.retrieve({
      viewer_id: 'newcomer',
      action_sequence: [{ post_id: 'A', action: 'report', at_ms: world.nowMs }],
      k: 10,
    });
    expect(negativeOnly.status).toBe('RETRIEVAL_STATUS_NO_PERSONALISATION');
  });

  it('invalid requests are INVALID_ARGUMENT; an expired deadline is DEADLINE_EXCEEDED', async () => {
    expect(await grpcCode(clients.retrieve({ viewer_id: 'x', action_sequence: xiaolinSequence, k: 0 }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await grpcCode(clients.rank({ viewer_id: 'x', candidates: [{ post_id: '' }] }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(
      await grpcCode(clients.retrieve({ viewer_id: 'x', action_sequence: xiaolinSequence, k: 5 }, -1)),
    ).toBe(status.DEADLINE_EXCEEDED);
  });

  it('Rank: one prediction per candidate in request order, every action; an unknown post is NaN', async () => {
    const candidates = [
      { post_id: FIXTURE.B, author_id: FIXTURE.authorB, in_network: false },
      { post_id: FIXTURE.A, author_id: FIXTURE.authorA, in_network: true },
      { post_id: 'no-such-post', author_id: 'nobody', in_network: false },
      { post_id: FIXTURE.A, author_id: FIXTURE.authorA, in_network: true },
    ];
    const res = await clients.rank({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      candidates,
    });
    const readyz = (await (await fetch(`http://127.0.0.1:${httpPort}/readyz`)).json()) as {
      model_version: string;
    };
    expect(res.model_version).toBe(readyz.model_version);
    expect(res.predictions.map((p) => p.post_id)).toEqual(candidates.map((c) => c.post_id));
    for (const p of res.predictions) {
      expect(Object.keys(p.actions).sort()).toEqual([...ACTIONS].sort());
    }
    expect(Object.values(res.predictions[2]!.actions).every(Number.isNaN)).toBe(true);
    expect(Object.values(res.predictions[0]!.actions).every((v) => v > 0 && v < 1)).toBe(true);
    expect(res.predictions[1]!.actions).toEqual(res.predictions[3]!.actions);
    // Candidate isolation over the wire: B alone gets exactly the predictions it got in the batch.
    const alone = await clients.rank({
      viewer_id: FIXTURE.viewerId,
      action_sequence: xiaolinSequence,
      candidates: [candidates[0]!],
    });
    expect(alone.predictions[0]!.actions).toEqual(res.predictions[0]!.actions);
  });
});

describe('phoenix process restarts and limits (same artifact dir)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'phoenix-e2e-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('loads the cached model and index, sheds load beyond the concurrency limit, and stops on SIGTERM', async () => {
    const first = PhoenixProcess.start({ PHOENIX_ARTIFACT_DIR: root });
    await first.ready();
    expect(await first.stop()).toBe(0);

    const phoenix = PhoenixProcess.start({
      PHOENIX_ARTIFACT_DIR: root,
      PHOENIX_MAX_CONCURRENT_REQUESTS: '1',
    });
    try {
      const { grpcPort, httpPort } = await phoenix.ready();
      expect(phoenix.lines.some((l) => l.msg === 'model loaded and verified')).toBe(true);
      expect(phoenix.lines.some((l) => l.msg === 'retrieval index ready' && l.origin === 'loaded')).toBe(
        true,
      );
      const clients = phoenixClients(grpcPort);
      const codes = await Promise.all(
        Array.from({ length: 24 }, () =>
          grpcCode(
            clients.retrieve({
              viewer_id: FIXTURE.viewerId,
              action_sequence: xiaolinSequence,
              k: 100,
              exact: true,
            }),
          ),
        ),
      );
      clients.close();
      expect(codes).toContain(status.OK);
      expect(codes).toContain(status.RESOURCE_EXHAUSTED);
      expect(codes.every((c) => c === status.OK || c === status.RESOURCE_EXHAUSTED)).toBe(true);
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      const rejected = /foryou_phoenix_requests_total\{rpc="retrieve",outcome="rejected"\} (\d+)/.exec(
        metrics,
      );
      expect(Number(rejected?.[1])).toBe(codes.filter((c) => c === status.RESOURCE_EXHAUSTED).length);
    } finally {
      expect(await phoenix.stop()).toBe(0);
    }
  });

  it('refuses to start on a corrupted artifact (checksum mismatch)', async () => {
    const corrupt = mkdtempSync(join(tmpdir(), 'phoenix-e2e-corrupt-'));
    try {
      cpSync(root, corrupt, { recursive: true });
      const model = join(corrupt, `${world.version}-phoenix-v1`, 'model.bin');
      const bytes = readFileSync(model);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
      writeFileSync(model, bytes);
      const phoenix = PhoenixProcess.start({ PHOENIX_ARTIFACT_DIR: corrupt });
      expect(await phoenix.exited).toBe(1);
      expect(phoenix.log()).toContain('checksum mismatch');
    } finally {
      rmSync(corrupt, { recursive: true, force: true });
    }
  });

  it('with PHOENIX_TRAIN_IF_MISSING=false and no artifact, exits 1 and says how to train', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'phoenix-e2e-empty-'));
    try {
      const phoenix = PhoenixProcess.start({
        PHOENIX_ARTIFACT_DIR: empty,
        PHOENIX_TRAIN_IF_MISSING: 'false',
      });
      expect(await phoenix.exited).toBe(1);
      expect(phoenix.log()).toContain('foryou train --scale small --seed 42');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
