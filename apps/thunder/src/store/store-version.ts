import { createHash } from 'node:crypto';
import type { PostStoreOptions } from './types';

/** Bumped whenever the state machine's rules change meaning. */
export const STORE_RULES_VERSION = 1;

/**
 * `store_version` of a response: `s<rules>-<12 hex>` over the stream epoch, the store options and the
 * per-partition offsets. The store's state is a function of exactly these (every decision depends
 * only on its partition's log prefix), so equal versions mean equal answers for equal requests.
 */
export function storeVersion(epoch: string, options: PostStoreOptions, offsets: readonly string[]): string {
  const o = options;
  const rules = `${o.partitions}|${o.retentionMs}|${o.allowedLatenessMs}|${o.maxPostsPerAuthor}|${o.dedupeIdsPerPartition}`;
  const digest = createHash('sha256')
    .update(`${epoch}|${rules}|${offsets.join(',')}`)
    .digest('hex')
    .slice(0, 12);
  return `s${STORE_RULES_VERSION}-${digest}`;
}
