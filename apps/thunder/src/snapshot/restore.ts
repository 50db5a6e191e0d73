import { PostStore, StoreStateError } from '../store/post-store';
import type { PostStoreOptions } from '../store/types';
import { decodeSnapshot, incompatibility } from './snapshot-codec';

export interface RestoreDecision {
  readonly store: PostStore;
  readonly source: 'snapshot' | 'empty';
  /** Why (for the log and /readyz): what was restored, or why the snapshot was not used. */
  readonly detail: string;
}

/**
 * The store to start from: the snapshot's, if it exists, is intact (checksum, schema), was written
 * for the same streams (prefix, epoch) and options, and satisfies the store's invariants; otherwise
 * an empty store that replays the streams from the start. Corrupt state is never served.
 */
export function restoreStore(
  bytes: Buffer | undefined,
  expected: { readonly epoch: string; readonly streamPrefix: string; readonly options: PostStoreOptions },
): RestoreDecision {
  const empty = (detail: string): RestoreDecision => ({
    store: new PostStore(expected.options),
    source: 'empty',
    detail,
  });
  if (bytes === undefined) {
    return empty('no snapshot');
  }
  const decoded = decodeSnapshot(bytes);
  if (!decoded.ok) {
    return empty(`${decoded.reason}: ${decoded.detail}`);
  }
  const why = incompatibility(decoded.snapshot.meta, expected);
  if (why !== undefined) {
    return empty(why);
  }
  try {
    const store = new PostStore(expected.options, decoded.snapshot.state);
    return {
      store,
      source: 'snapshot',
      detail: `written at ${new Date(decoded.snapshot.meta.writtenAtMs).toISOString()}`,
    };
  } catch (err) {
    if (err instanceof StoreStateError) {
      return empty(`invalid_state: ${err.message}`);
    }
    throw err;
  }
}
