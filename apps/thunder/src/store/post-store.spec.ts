import { PostStore, StoreStateError } from './post-store';
import { storeDigest } from './store-digest';
import { createEvent, deleteEvent, testOptions, updateEvent, withNewId } from './testing/events';

/** `id@version` of every live post, sorted: what the store would serve. */
function live(store: PostStore): string[] {
  return store
    .exportState()
    .posts.filter((p) => store.livePost(p.postId) !== undefined)
    .map((p) => `${p.postId}@${p.version}`)
    .sort();
}

describe(PostStore.name, () => {
  describe('the post-7 sequence (book 4.1.9)', () => {
    it('should apply create, ignore its redelivery, update, delete, and never revive on a late create', () => {
      const sut = new PostStore(testOptions());
      const create = createEvent('post-7', 'a', { createdAtMs: 100 });

      expect(sut.apply(create)).toEqual({ kind: 'applied', effect: 'inserted' });
      expect(sut.apply(create)).toEqual({ kind: 'duplicate', reason: 'event_id' });
      expect(
        sut.apply(updateEvent('post-7', 'a', { version: 2, createdAtMs: 100, eventTimeMs: 110 })),
      ).toEqual({ kind: 'applied', effect: 'updated' });
      expect(live(sut)).toEqual(['post-7@2']);
      expect(sut.apply(deleteEvent('post-7', 'a', { version: 3, eventTimeMs: 120 }))).toEqual({
        kind: 'applied',
        effect: 'deleted',
      });
      expect(sut.apply(withNewId(create))).toEqual({ kind: 'tombstoned', deletedVersion: 3 });

      expect(live(sut)).toEqual([]);
      expect(sut.isDeleted('post-7')).toBe(true);
      expect(sut.livePost('post-7')).toBeUndefined();
      expect(sut.counts()).toEqual({
        'create:applied': 1,
        'create:duplicate': 1,
        'update:applied': 1,
        'delete:applied': 1,
        'create:tombstoned': 1,
      });
    });
  });

  describe('tombstones', () => {
    it('should block every event with a version <= the delete, even when the delete arrives first', () => {
      const sut = new PostStore(testOptions());
      sut.apply(deleteEvent('p', 'a', { version: 3, eventTimeMs: 130 }));

      expect(sut.apply(createEvent('p', 'a', { createdAtMs: 100 }))).toMatchObject({ kind: 'tombstoned' });
      expect(sut.apply(updateEvent('p', 'a', { version: 2, createdAtMs: 100, eventTimeMs: 120 }))).toEqual({
        kind: 'tombstoned',
        deletedVersion: 3,
      });
      expect(sut.apply(deleteEvent('p', 'a', { version: 1, eventTimeMs: 101 }))).toMatchObject({
        kind: 'tombstoned',
      });
      expect(live(sut)).toEqual([]);
    });

    it('should let a higher version revive the post and clear the tombstone', () => {
      const sut = new PostStore(testOptions());
      sut.apply(deleteEvent('p', 'a', { version: 3, eventTimeMs: 130 }));

      expect(sut.apply(updateEvent('p', 'a', { version: 4, createdAtMs: 100, eventTimeMs: 140 }))).toEqual({
        kind: 'applied',
        effect: 'inserted',
      });
      expect(sut.isDeleted('p')).toBe(false);
      expect(live(sut)).toEqual(['p@4']);
    });

    it('should keep a tombstone until the watermark passes the delete by more than the lateness', () => {
      const sut = new PostStore(testOptions({ allowedLatenessMs: 100, retentionMs: 10_000 }));
      sut.apply(createEvent('p', 'a', { createdAtMs: 50 }));
      sut.apply(deleteEvent('p', 'a', { version: 2, eventTimeMs: 200 }));
      sut.apply(createEvent('q', 'a', { createdAtMs: 300 })); // watermark 300: 100 past the delete

      expect(sut.trim().tombstones).toBe(0);
      expect(sut.isDeleted('p')).toBe(true);
      expect(sut.apply(withNewId(createEvent('p', 'a', { createdAtMs: 50 })))).toMatchObject({
        kind: 'tombstoned',
      });

      sut.apply(createEvent('r', 'a', { createdAtMs: 301 })); // 101 past the delete: expired
      expect(sut.isDeleted('p')).toBe(false);
      expect(sut.trim().tombstones).toBe(1);
      // Anything the expired tombstone could have blocked is older than the lateness: too late.
      expect(sut.apply(createEvent('p', 'a', { createdAtMs: 50, eventId: 'late' }))).toEqual({
        kind: 'stale',
        reason: 'too_late',
      });
      expect(live(sut)).toEqual(['q@1', 'r@1']);
    });

    it('should judge expiry by the partition watermark of the post, not other partitions', () => {
      const options = testOptions({ partitions: 4, allowedLatenessMs: 100, retentionMs: 10_000 });
      const sut = new PostStore(options);
      const [a, b] = ['author-1', 'author-2', 'author-3', 'author-4'].filter(
        (x, _, all) => all.findIndex((y) => sut.partitionOf(y) === sut.partitionOf(x)) === all.indexOf(x),
      );
      sut.apply(deleteEvent('p', a!, { version: 2, eventTimeMs: 200 }));
      sut.apply(createEvent('far', b!, { createdAtMs: 5_000 }));

      expect(sut.partitionOf(a!)).not.toBe(sut.partitionOf(b!));
      expect(sut.isDeleted('p')).toBe(true);
      expect(sut.apply(createEvent('p', a!, { createdAtMs: 150 }))).toMatchObject({ kind: 'tombstoned' });
    });
  });

  describe('duplicates and forks', () => {
    it('should treat a redelivered event id as a no-op that leaves the state unchanged', () => {
      const sut = new PostStore(testOptions());
      const events = [
        createEvent('p', 'a', { createdAtMs: 100 }),
        updateEvent('p', 'a', { version: 2, createdAtMs: 100, eventTimeMs: 105 }),
      ];
      events.forEach((e) => sut.apply(e));
      const before = storeDigest(sut);
      const revision = sut.revision;

      expect(events.map((e) => sut.apply(e).kind)).toEqual(['duplicate', 'duplicate']);
      expect(storeDigest(sut)).toBe(before);
      expect(sut.revision).toBe(revision);
    });

    it('should remember a bounded number of ids and still never change state on an old duplicate', () => {
      const sut = new PostStore(testOptions({ dedupeIdsPerPartition: 2 }));
      const first = createEvent('p', 'a', { createdAtMs: 100 });
      sut.apply(first);
      sut.apply(createEvent('q', 'a', { createdAtMs: 101 }));
      sut.apply(createEvent('r', 'a', { createdAtMs: 102 }));
      const lives = live(sut);

      expect(sut.exportState().partitions[0]!.recentEventIds).toHaveLength(2);
      expect(sut.apply(first)).toEqual({ kind: 'duplicate', reason: 'same_version' });
      expect(live(sut)).toEqual(lives);
    });

    it('should report a same-version event with different content as a fork and keep the first', () => {
      const sut = new PostStore(testOptions());
      sut.apply(createEvent('p', 'a', { createdAtMs: 100, kind: 'video', videoMs: 1000 }));

      const fork = sut.apply(createEvent('p', 'a', { createdAtMs: 100, kind: 'video', videoMs: 2000 }));

      expect(fork).toMatchObject({ kind: 'fork', version: 1 });
      expect(fork.kind === 'fork' && fork.kept).toContain('"video_duration_ms":1000');
      expect(sut.livePost('p')?.payload.videoDurationMs).toBe(1000);
      expect(sut.apply(deleteEvent('p', 'a', { version: 1, eventTimeMs: 100 }))).toMatchObject({
        kind: 'fork',
      });
      expect(
        sut.apply(withNewId(createEvent('p', 'a', { createdAtMs: 100, kind: 'video', videoMs: 1000 }))),
      ).toEqual({ kind: 'duplicate', reason: 'same_version' });
    });

    it('should reject an older version, a payload change and an author change', () => {
      const sut = new PostStore(testOptions());
      sut.apply(updateEvent('p', 'a', { version: 5, createdAtMs: 100, eventTimeMs: 150 }));

      expect(sut.apply(createEvent('p', 'a', { createdAtMs: 100 }))).toEqual({
        kind: 'stale',
        reason: 'older_version',
      });
      expect(
        sut.apply(updateEvent('p', 'a', { version: 6, createdAtMs: 100, eventTimeMs: 160, kind: 'video' })),
      ).toEqual({ kind: 'invalid', reason: 'payload_changed' });
      expect(sut.apply(deleteEvent('p', 'b', { version: 7, eventTimeMs: 170 }))).toEqual({
        kind: 'invalid',
        reason: 'author_changed',
      });
      expect(live(sut)).toEqual(['p@5']);
    });
  });

  describe('retention and caps', () => {
    it('should expire posts older than the watermark minus retention, before and after trim', () => {
      const sut = new PostStore(testOptions({ retentionMs: 1000, allowedLatenessMs: 5000 }));
      sut.apply(createEvent('old', 'a', { createdAtMs: 99 }));
      sut.apply(createEvent('edge', 'a', { createdAtMs: 100 }));
      sut.apply(createEvent('new', 'b', { createdAtMs: 1100 }));
      const digest = storeDigest(sut);

      expect(live(sut)).toEqual(['edge@1', 'new@1']);
      expect(sut.trim()).toEqual({ posts: 1, tombstones: 0 });
      expect(storeDigest(sut)).toBe(digest);
      expect(sut.apply(createEvent('older', 'a', { createdAtMs: 99 }))).toEqual({
        kind: 'stale',
        reason: 'out_of_retention',
      });
      expect(sut.stats()).toMatchObject({ activePosts: 2, watermarkMs: 1100 });
      expect(sut.retentionThresholdMs(0)).toBe(100);
    });

    it('should keep the newest posts per author and timeline, rejecting one older than all kept', () => {
      const sut = new PostStore(testOptions({ maxPostsPerAuthor: 2 }));
      for (const t of [100, 110, 120]) {
        sut.apply(createEvent(`o${t}`, 'a', { createdAtMs: t }));
      }
      sut.apply(createEvent('r1', 'a', { createdAtMs: 90, kind: 'repost', repostOf: 'o100' }));

      expect(live(sut)).toEqual(['o110@1', 'o120@1', 'r1@1']);
      expect(sut.apply(createEvent('o105', 'a', { createdAtMs: 105 }))).toEqual({
        kind: 'stale',
        reason: 'author_cap',
      });
      expect(sut.apply(createEvent('o115', 'a', { createdAtMs: 115 }))).toMatchObject({ kind: 'applied' });
      expect(live(sut)).toEqual(['o115@1', 'o120@1', 'r1@1']);
      expect(sut.timelines('a')?.original.size).toBe(2);
    });

    it('should index videos and reposts of videos, never replies', () => {
      const sut = new PostStore(testOptions());
      sut.apply(createEvent('v', 'a', { createdAtMs: 100, kind: 'video' }));
      sut.apply(createEvent('rv', 'a', { createdAtMs: 101, kind: 'repost', repostOf: 'x', videoMs: 5000 }));
      sut.apply(createEvent('re', 'a', { createdAtMs: 102, kind: 'reply', replyTo: 'v' }));
      const tl = sut.timelines('a')!;

      expect([tl.video.fromNewest(0)?.postId, tl.video.fromNewest(1)?.postId, tl.video.size]).toEqual([
        'rv',
        'v',
        2,
      ]);
      expect([tl.original.size, tl.secondary.size]).toEqual([1, 2]);
    });
  });

  describe('offsets', () => {
    it('should advance the partition offset, ignore re-read entries and consume misrouted ones', () => {
      const sut = new PostStore(testOptions({ partitions: 2 }));
      const e = createEvent('p', 'a', { createdAtMs: 100 });
      const p = sut.partitionOf('a');

      expect(sut.apply(e, { partition: p, entryId: '5-0' })).toMatchObject({ kind: 'applied' });
      expect(sut.apply(withNewId(e), { partition: p, entryId: '5-0' })).toEqual({
        kind: 'duplicate',
        reason: 'offset',
      });
      expect(sut.apply(withNewId(e), { partition: 1 - p, entryId: '6-0' })).toEqual({
        kind: 'invalid',
        reason: 'misrouted',
      });
      expect(sut.skip({ partition: p, entryId: '10-3' }, 'unknown')).toEqual({
        kind: 'invalid',
        reason: 'schema',
      });
      expect(sut.offsets()[p]).toBe('10-3');
      expect(sut.offsets()[1 - p]).toBe('6-0');
      expect(sut.consumed()[p]).toBe(2);
    });
  });

  describe('restoring exported state', () => {
    it('should rebuild an equal store', () => {
      const sut = new PostStore(testOptions({ partitions: 2 }));
      sut.apply(createEvent('p', 'a', { createdAtMs: 100 }), {
        partition: sut.partitionOf('a'),
        entryId: '1-0',
      });
      sut.apply(createEvent('q', 'b', { createdAtMs: 100, kind: 'video' }));
      sut.apply(deleteEvent('r', 'b', { version: 2, eventTimeMs: 110 }));

      const copy = new PostStore(sut.options, sut.exportState());

      expect(storeDigest(copy)).toBe(storeDigest(sut));
      expect(copy.timelines('b')?.video.size).toBe(1);
    });

    it('should refuse state that breaks an invariant', () => {
      const sut = new PostStore(testOptions({ partitions: 2 }));
      sut.apply(createEvent('p', 'a', { createdAtMs: 100 }));
      const state = sut.exportState();
      const post = state.posts[0]!;
      const tomb = { postId: 'p', authorId: 'a', partition: post.partition, version: 2, deletedAtMs: 100 };

      expect(() => new PostStore(sut.options, { ...state, tombstones: [tomb] })).toThrow(StoreStateError);
      expect(
        () => new PostStore(sut.options, { ...state, posts: [{ ...post, partition: 1 - post.partition }] }),
      ).toThrow(StoreStateError);
      expect(() => new PostStore(testOptions({ partitions: 3 }), state)).toThrow(StoreStateError);
    });
  });
});
