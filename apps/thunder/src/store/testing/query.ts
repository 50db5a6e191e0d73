import { InNetworkScan } from '../../query/in-network-scan';
import type { PostStore } from '../post-store';
import { toRequest, type QuerySpec } from './arbitraries';

/** Runs a whole scan synchronously; posts as `id@version`, in answer order. */
export function query(store: PostStore, q: QuerySpec): string[] {
  const scan = new InNetworkScan(store, toRequest(q), q.scanCap);
  while (!scan.done) {
    scan.scanNextAuthor();
  }
  return scan.result().map((p) => `${p.postId}@${p.version}`);
}
