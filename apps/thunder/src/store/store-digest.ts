import { createHash } from 'node:crypto';
import { encodePostPayload } from '@foryou/contracts';
import type { PostStore } from './post-store';

const byPostId = (a: { postId: string }, b: { postId: string }) =>
  a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0;

/**
 * A sha256 over the store's logical state: partitions (offset, consumed, watermark, recent event ids
 * in arrival order), live posts and tombstones that have not expired, records sorted by post id.
 * Equal digests ⇔ equal behaviour for every later event and query; `trim()` never changes it.
 */
export function storeDigest(store: PostStore): string {
  const state = store.exportState();
  const hash = createHash('sha256');
  for (const [p, part] of state.partitions.entries()) {
    hash.update(`P|${p}|${part.offset}|${part.consumed}|${part.watermarkMs ?? ''}|`);
    hash.update(part.recentEventIds.join(','));
    hash.update('\n');
  }
  const live = state.posts.filter((post) => store.livePost(post.postId) !== undefined);
  for (const post of live.sort(byPostId)) {
    hash.update(
      `L|${post.postId}|${post.authorId}|${post.partition}|${post.version}|${post.eventType}|` +
        `${post.eventTimeMs}|${encodePostPayload(post.payload)}\n`,
    );
  }
  const tombstones = state.tombstones.filter((t) => store.isDeleted(t.postId));
  for (const t of tombstones.sort(byPostId)) {
    hash.update(`T|${t.postId}|${t.authorId}|${t.partition}|${t.version}|${t.deletedAtMs}\n`);
  }
  return hash.digest('hex');
}
