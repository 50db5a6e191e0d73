import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetInNetworkPostsRequest, PostEvent, PostUpsertEvent } from '@foryou/contracts';
import { status } from '@grpc/grpc-js';
import { FIXTURE, generateWorld } from '@foryou/world';
import { Redis } from 'ioredis';
import { decodeSnapshot } from '../../src/snapshot/snapshot-codec';
import { readSnapshotFile } from '../../src/snapshot/snapshot-file';
import { deletePrefix, publish, REDIS_URL, streamTips } from '../support/redis-streams';
import { ThunderProcess } from '../support/thunder-process';
import { followUp, worldCreates } from '../support/world-events';

const PARTITIONS = 4;
const RETENTION_MS = 48 * 3_600_000;
const world = generateWorld({ seed: 42, scale: 'small' });
const creates = worldCreates(world, 'e2e');
const fixtureIds = new Set<string>([FIXTURE.A, FIXTURE.B, FIXTURE.C, FIXTURE.D, FIXTURE.E]);
const cut = Math.floor(creates.length * 0.7);
const phase1: PostUpsertEvent[] = creates.slice(0, cut);
/** The rest of the world, plus updates, deletes and redeliveries of earlier posts. */
const phase2: PostEvent[] = [
  ...creates.slice(cut),
  ...phase1
    .filter((e, i) => i % 97 === 0 && !fixtureIds.has(e.postId))
    .map((c) => followUp(c, 'update', 60_000)),
  ...phase1
    .filter((e, i) => i % 131 === 0 && !fixtureIds.has(e.postId))
    .map((c) => followUp(c, 'delete', 90_000)),
  ...creates.slice(cut).filter((_, i) => i % 50 === 0),
];

const VIEWERS = [
  FIXTURE.viewerId,
  ...[...world.users.keys()].filter((u) => world.following(u).size > 0).slice(0, 30),
];

function requestFor(viewerId: string): GetInNetworkPostsRequest {
  return {
    request_id: `e2e-${viewerId}`,
    viewer_id: viewerId,
    author_ids: [...world.following(viewerId)],
    exclude_post_ids: [],
    max_per_author: 5,
    max_results: 200,
    not_before_ms: world.nowMs - RETENTION_MS,
  };
}

/** Every viewer's answer (post id@version, partial flag) and the store version. */
async function answers(thunder: ThunderProcess): Promise<{ storeVersion: string; byViewer: string[][] }> {
  let storeVersion = '';
  const byViewer: string[][] = [];
  for (const viewer of VIEWERS) {
    const { error, response } = await thunder.query(requestFor(viewer));
    expect(error).toBeNull();
    storeVersion = response!.store_version;
    byViewer.push([
      `partial=${response!.partial}`,
      ...response!.posts.map((p) => `${p.post_id}@${p.version}`),
    ]);
  }
  return { storeVersion, byViewer };
}

/** author-a's newest post among those published so far. */
function newestOfAuthorA(events: readonly PostEvent[]): string {
  const mine = events.filter((e) => e.authorId === FIXTURE.authorA && e.type === 'create');
  return mine.reduce((a, b) => (b.eventTimeMs > a.eventTimeMs ? b : a)).postId;
}

describe('thunder as a process', () => {
  const prefix = `foryou-e2e:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const dirs: string[] = [];
  const running: ThunderProcess[] = [];
  let victim: ThunderProcess;
  let reference: ThunderProcess;
  let victimEnv: Record<string, string>;

  const spawn = async (env: Record<string, string>) => {
    const thunder = await ThunderProcess.spawn(env);
    running.push(thunder);
    return thunder;
  };
  const baseEnv = async (group: string): Promise<Record<string, string>> => {
    const dir = await mkdtemp(join(tmpdir(), 'thunder-e2e-'));
    dirs.push(dir);
    return {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      THUNDER_PARTITIONS: String(PARTITIONS),
      THUNDER_CONSUMER_GROUP: group,
      THUNDER_SNAPSHOT_DIR: dir,
      THUNDER_SNAPSHOT_INTERVAL_S: '0.2',
      THUNDER_READY_MAX_LAG: '1',
      THUNDER_LAG_POLL_MS: '50',
      LOG_LEVEL: 'info',
    };
  };

  beforeAll(async () => {
    victimEnv = await baseEnv('thunder');
    victim = await spawn(victimEnv);
    reference = await spawn(await baseEnv('thunder-reference'));
    await publish(redis, prefix, PARTITIONS, phase1);
  }, 60_000);

  afterAll(async () => {
    for (const thunder of running) {
      await thunder.stop('SIGKILL');
    }
    await deletePrefix(redis, prefix);
    redis.disconnect();
    for (const dir of dirs) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("should catch up, become ready and return author-a's newest post to xiaolin", async () => {
    const tips = await streamTips(redis, prefix, PARTITIONS);
    await victim.waitCaughtUp(tips);
    await reference.waitCaughtUp(tips);

    const { error, response } = await victim.query(requestFor(FIXTURE.viewerId));

    expect(error).toBeNull();
    const fromA = response!.posts.filter((p) => p.author_id === FIXTURE.authorA).map((p) => p.post_id);
    expect(fromA[0]).toBe(newestOfAuthorA(phase1));
    expect(response!.partial).toBe(false);
    expect(await answers(victim)).toEqual(await answers(reference));
  }, 60_000);

  it('should survive SIGKILL between events and then answer exactly like an uninterrupted instance', async () => {
    // Wait until a periodic snapshot holds phase 1 (file written by the process: bounded polling).
    for (let i = 0; ; i++) {
      const bytes = await readSnapshotFile(victimEnv.THUNDER_SNAPSHOT_DIR!);
      const decoded = bytes === undefined ? undefined : decodeSnapshot(bytes);
      if (decoded?.ok === true && decoded.snapshot.state.partitions.every((p) => p.offset !== '0-0')) {
        break;
      }
      expect(i).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const half = Math.floor(phase2.length / 2);
    for (let i = 0; i < half; i += 250) {
      await publish(redis, prefix, PARTITIONS, phase2.slice(i, Math.min(i + 250, half)));
    }
    expect(await victim.stop('SIGKILL')).toBeNull(); // killed mid-stream, no shutdown snapshot
    await publish(redis, prefix, PARTITIONS, phase2.slice(half));
    const tips = await streamTips(redis, prefix, PARTITIONS);
    const saved = decodeSnapshot((await readSnapshotFile(victimEnv.THUNDER_SNAPSHOT_DIR!))!);
    expect(saved.ok && saved.snapshot.state.partitions.some((p, i) => p.offset !== tips[i])).toBe(true);

    victim = await spawn(victimEnv);
    const ready = await victim.waitCaughtUp(tips);
    await reference.waitCaughtUp(tips);

    expect(ready.restore.source).toBe('snapshot');
    const [restarted, uninterrupted] = [await answers(victim), await answers(reference)];
    expect(restarted).toEqual(uninterrupted);
    const xiaolin = (await victim.query(requestFor(FIXTURE.viewerId))).response!;
    expect(xiaolin.posts.find((p) => p.author_id === FIXTURE.authorA)?.post_id).toBe(FIXTURE.A);
    expect(await victim.metrics()).toMatch(
      /^foryou_thunder_restore_duration_seconds\{source="snapshot"\} [\d.e-]+$/m,
    );
  }, 120_000);

  it('should write a final snapshot on SIGTERM and restart from it without replaying anything', async () => {
    const tips = await streamTips(redis, prefix, PARTITIONS);
    const before = await answers(victim);

    expect(await victim.stop('SIGTERM')).toBe(0);
    const saved = decodeSnapshot((await readSnapshotFile(victimEnv.THUNDER_SNAPSHOT_DIR!))!);
    expect(saved.ok && saved.snapshot.state.partitions.map((p) => p.offset)).toEqual(tips);

    victim = await spawn(victimEnv);
    await victim.waitCaughtUp(tips);

    expect(await answers(victim)).toEqual(before);
    expect(await victim.metrics()).not.toMatch(/^foryou_thunder_events_total\{/m);
  }, 60_000);

  describe('under pressure', () => {
    let small: ThunderProcess;

    beforeAll(async () => {
      small = await spawn({
        ...(await baseEnv('thunder-small')),
        THUNDER_MAX_CONCURRENT_REQUESTS: '1',
        THUNDER_DEADLINE_RESERVE_MS: '100',
        THUNDER_REQUEST_TIMEOUT_MS: '5000',
      });
      await small.waitCaughtUp(await streamTips(redis, prefix, PARTITIONS));
    }, 60_000);

    it('should shed calls beyond its concurrency limit with RESOURCE_EXHAUSTED at once', async () => {
      // Many authors: each call yields to the event loop every 256 authors, so calls overlap.
      const heavy = {
        ...requestFor(FIXTURE.viewerId),
        author_ids: [...world.users.keys(), ...Array.from({ length: 8000 }, (_, i) => `ghost-${i}`)],
      };

      const results = await Promise.all(Array.from({ length: 40 }, () => small.query(heavy)));

      const codes = results.map((r) => r.error?.code ?? status.OK);
      expect(codes.filter((c) => c === status.RESOURCE_EXHAUSTED).length).toBeGreaterThan(0);
      expect(codes.filter((c) => c === status.OK).length).toBeGreaterThan(0);
      expect(codes.every((c) => c === status.OK || c === status.RESOURCE_EXHAUSTED)).toBe(true);
      const rejected = codes.filter((c) => c === status.RESOURCE_EXHAUSTED).length;
      expect(await small.metrics()).toContain(
        `foryou_thunder_requests_total{outcome="rejected"} ${rejected}`,
      );
    }, 60_000);

    it('should answer a call whose deadline is within the reserve with a partial result, not an error', async () => {
      const full = (await small.query(requestFor(FIXTURE.viewerId))).response!;

      const { error, response } = await small.query(requestFor(FIXTURE.viewerId), 60);

      expect(error).toBeNull();
      expect(response!.partial).toBe(true);
      expect(response!.authors_scanned).toBeLessThan(response!.authors_requested);
      const fullIds = new Set(full.posts.map((p) => p.post_id));
      expect(response!.posts.every((p) => fullIds.has(p.post_id))).toBe(true);
      expect(await small.metrics()).toMatch(/^foryou_thunder_requests_total\{outcome="partial"\} [1-9]/m);
    }, 60_000);
  });
});
