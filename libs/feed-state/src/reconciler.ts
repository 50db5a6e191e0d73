import type { Redis } from 'ioredis';
import { ServedCandidatesLog, type LoggedServedItem } from './served-candidates';
import { historyKey, RedisServedHistoryRepository } from './served-history';

export interface ReconcileOptions {
  /** Log records older than this are not checked (their history may have expired legitimately). */
  readonly windowMs: number;
  /** Records newer than this are skipped: their side effect may still be in flight. */
  readonly graceMs: number;
  /** Report only; change nothing. */
  readonly dryRun: boolean;
  /** Upper bound on repairs per second (each repair is one atomic served-history update). */
  readonly maxRepairsPerSecond: number;
  readonly nowMs?: number;
  readonly onProgress?: (scanned: number) => void;
}

export interface Mismatch {
  readonly viewerId: string;
  readonly requestId: string;
  readonly postIds: readonly string[];
  readonly servedAtMs: number;
  readonly repaired: boolean;
}

export interface ReconcileReport {
  readonly dryRun: boolean;
  readonly fromMs: number;
  readonly toMs: number;
  readonly scannedItems: number;
  readonly scannedRequests: number;
  /** Served items whose served-history entry is missing (and not explained by trimming). */
  readonly missingItems: number;
  readonly repairedRequests: number;
  /** Missing but older than the viewer's oldest kept entry with the history full: trimmed, not lost. */
  readonly trimmedItems: number;
  /** Up to 20 mismatches, oldest first. */
  readonly samples: readonly Mismatch[];
  readonly durationMs: number;
}

/**
 * Compares the served-candidates log (what responses served) with served history (what the
 * previously-served filter reads) and repairs what is missing. Repairs go through the same atomic
 * served-history update as the worker (business key `repair/<requestId>`), and only posts actually
 * missing are re-added, so running it twice, or alongside a late worker, changes nothing more.
 */
export async function reconcileServedHistory(redis: Redis, o: ReconcileOptions): Promise<ReconcileReport> {
  const started = performance.now();
  const now = o.nowMs ?? Date.now();
  const fromMs = now - o.windowMs;
  const toMs = now - o.graceMs;
  const log = new ServedCandidatesLog(redis);
  const history = new RedisServedHistoryRepository(redis);
  const minGapMs = o.maxRepairsPerSecond > 0 ? 1000 / o.maxRepairsPerSecond : 0;
  let lastRepairAt = -Infinity;
  let scannedItems = 0;
  let missingItems = 0;
  let trimmedItems = 0;
  let repairedRequests = 0;
  const requests = new Set<string>();
  const samples: Mismatch[] = [];
  let after: string | undefined;
  for (;;) {
    const batch = await log.range(fromMs, toMs, 500, after);
    if (batch.length === 0) {
      break;
    }
    after = batch[batch.length - 1]!.streamId;
    scannedItems += batch.length;
    o.onProgress?.(scannedItems);
    for (const [, items] of groupByRequest(batch)) {
      const first = items[0]!;
      requests.add(first.requestId);
      const { missing, trimmed } = await missingFromHistory(redis, first, items);
      trimmedItems += trimmed;
      if (missing.length === 0) {
        continue;
      }
      missingItems += missing.length;
      let repaired = false;
      if (!o.dryRun) {
        const wait = lastRepairAt + minGapMs - performance.now();
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, wait));
        }
        lastRepairAt = performance.now();
        await history.apply(
          {
            viewerId: first.viewerId,
            requestId: first.requestId,
            requestType: first.requestType,
            servedAtMs: first.servedAtMs,
            postIds: missing,
            maxEntries: first.maxHistoryEntries,
          },
          `repair/${first.requestId}/${missing.join(',')}`,
        );
        repaired = true;
        repairedRequests += 1;
      }
      if (samples.length < 20) {
        samples.push({
          viewerId: first.viewerId,
          requestId: first.requestId,
          postIds: missing,
          servedAtMs: first.servedAtMs,
          repaired,
        });
      }
    }
  }
  return {
    dryRun: o.dryRun,
    fromMs,
    toMs,
    scannedItems,
    scannedRequests: requests.size,
    missingItems,
    repairedRequests,
    trimmedItems,
    samples,
    durationMs: Math.round(performance.now() - started),
  };
}

function groupByRequest(items: readonly LoggedServedItem[]): Map<string, LoggedServedItem[]> {
  const out = new Map<string, LoggedServedItem[]>();
  for (const item of items) {
    const list = out.get(item.requestId) ?? [];
    list.push(item);
    out.set(item.requestId, list);
  }
  return out;
}

async function missingFromHistory(
  redis: Redis,
  request: LoggedServedItem,
  items: readonly LoggedServedItem[],
): Promise<{ missing: string[]; trimmed: number }> {
  const key = historyKey(request.viewerId);
  const tx = redis.multi().zcard(key).zrange(key, 0, 0, 'WITHSCORES');
  for (const item of items) {
    tx.zscore(key, item.postId);
  }
  const results = (await tx.exec()) ?? [];
  const size = Number(results[0]?.[1] ?? 0);
  const oldest = (results[1]?.[1] as string[] | undefined)?.[1];
  const full = size >= request.maxHistoryEntries;
  const missing: string[] = [];
  let trimmed = 0;
  items.forEach((item, i) => {
    const score = results[i + 2]?.[1] as string | null | undefined;
    if (score !== null && score !== undefined && Number(score) >= item.servedAtMs) {
      return;
    }
    if (full && oldest !== undefined && Number(oldest) > item.servedAtMs) {
      trimmed += 1;
      return;
    }
    missing.push(item.postId);
  });
  return { missing, trimmed };
}
