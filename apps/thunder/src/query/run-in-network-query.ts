import type { StoredPost } from '../store/types';
import { InNetworkScan, type InNetworkReader, type InNetworkRequest } from './in-network-scan';

export interface InNetworkResult {
  /** Newest first. */
  readonly posts: readonly StoredPost[];
  /** True when the scan stopped before the last author (deadline or cancellation). */
  readonly partial: boolean;
  readonly authorsRequested: number;
  readonly authorsScanned: number;
}

export interface QueryControls {
  readonly scanCapPerAuthor: number;
  /** Checked before every author; true → stop and return a partial result. */
  shouldStop(): boolean;
  /** Authors scanned between two yields to the event loop (ingestion and other requests run there). */
  readonly authorsPerSlice: number;
  yieldToLoop(): Promise<void>;
}

/**
 * Runs a GetInNetworkPosts scan, stopping between authors when `shouldStop()` says so. Each author is
 * read atomically; with ingestion running, different authors may be read at different store revisions.
 */
export async function runInNetworkQuery(
  store: InNetworkReader,
  request: InNetworkRequest,
  controls: QueryControls,
): Promise<InNetworkResult> {
  const scan = new InNetworkScan(store, request, controls.scanCapPerAuthor);
  let partial = false;
  while (!scan.done) {
    if (controls.shouldStop()) {
      partial = true;
      break;
    }
    scan.scanNextAuthor();
    if (!scan.done && scan.authorsScanned % controls.authorsPerSlice === 0) {
      await controls.yieldToLoop();
    }
  }
  return {
    posts: scan.result(),
    partial,
    authorsRequested: request.authorIds.length,
    authorsScanned: scan.authorsScanned,
  };
}
