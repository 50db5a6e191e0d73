import { encodePostPayload, postEventPartition, type PostEvent, type PostPayload } from '@foryou/contracts';
import type { InNetworkRequest } from '../../query/in-network-scan';
import type { ApplyResult, PostStoreOptions } from '../types';

interface Rec {
  readonly live: boolean;
  readonly postId: string;
  readonly authorId: string;
  readonly partition: number;
  readonly version: number;
  readonly fp: string;
  /** Live records only. */
  readonly payload: PostPayload | undefined;
  /** Dead records only. */
  readonly deletedAtMs: number;
}

const older = (a: Rec, b: Rec) =>
  a.payload!.createdAtMs - b.payload!.createdAtMs || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0);
const main = (p: PostPayload) => (p.kind === 'reply' || p.kind === 'repost' ? 'secondary' : 'original');

/**
 * The obviously-correct reference for PostStore: one flat map of records, arrays for recent ids, and
 * every question (caps, expiry, queries) answered by filtering and sorting everything. No indexes, no
 * timelines, no incremental bookkeeping — that is what the implementation is compared against.
 */
export class ReferenceModel {
  private readonly _records = new Map<string, Rec>();
  private readonly _watermark: number[];
  private readonly _seen: string[][];
  readonly counts = new Map<string, number>();

  constructor(private readonly _o: PostStoreOptions) {
    this._watermark = Array.from({ length: _o.partitions }, () => -Infinity);
    this._seen = Array.from({ length: _o.partitions }, () => []);
  }

  apply(e: PostEvent): ApplyResult {
    const result = this._decide(e);
    const key = `${e.type}:${result.kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return result;
  }

  /** Live, unexpired posts as `id@version`, sorted. */
  livePosts(): string[] {
    return [...this._records.values()]
      .filter((r) => r.live && !this._expired(r))
      .map((r) => `${r.postId}@${r.version}`)
      .sort();
  }

  /** Unexpired tombstones as `id@version`, sorted. */
  tombstones(): string[] {
    return [...this._records.values()]
      .filter((r) => !r.live && !this._expired(r))
      .map((r) => `${r.postId}@${r.version}`)
      .sort();
  }

  query(req: InNetworkRequest, scanCap: number): string[] {
    const found: Rec[] = [];
    for (const author of req.authorIds) {
      const cutoff = Math.max(
        req.notBeforeMs,
        this._watermark[this._partition(author)]! - this._o.retentionMs,
      );
      const mine = [...this._records.values()]
        .filter((r) => r.live && r.authorId === author && !this._expired(r))
        .sort((a, b) => older(b, a));
      const firstOld = mine.findIndex((r) => r.payload!.createdAtMs < cutoff);
      const window = (firstOld < 0 ? mine : mine.slice(0, firstOld)).slice(0, scanCap);
      found.push(
        ...window
          .filter((r) => !req.excludePostIds.has(r.postId) && this._eligible(r, req.viewerId))
          .slice(0, req.maxPerAuthor),
      );
    }
    return found
      .sort((a, b) => older(b, a))
      .slice(0, req.maxResults)
      .map((r) => `${r.postId}@${r.version}`);
  }

  private _decide(e: PostEvent): ApplyResult {
    const p = this._partition(e.authorId);
    const seen = this._seen[p]!;
    if (seen.includes(e.eventId)) {
      return { kind: 'duplicate', reason: 'event_id' };
    }
    seen.push(e.eventId);
    if (seen.length > this._o.dedupeIdsPerPartition) {
      seen.shift();
    }
    this._watermark[p] = Math.max(this._watermark[p]!, e.eventTimeMs);
    const wm = this._watermark[p] ?? -Infinity;
    if (e.type !== 'delete' && e.payload.createdAtMs < wm - this._o.retentionMs) {
      return { kind: 'stale', reason: 'out_of_retention' };
    }
    const payload = e.type === 'delete' ? undefined : e.payload;
    const fp = `${e.type}|${e.eventTimeMs}|${payload === undefined ? '' : encodePostPayload(payload)}`;
    const rec = this._current(e.postId);
    if (rec !== undefined) {
      if (rec.authorId !== e.authorId) {
        return { kind: 'invalid', reason: 'author_changed' };
      }
      if (e.version === rec.version) {
        return rec.fp === fp
          ? { kind: 'duplicate', reason: 'same_version' }
          : { kind: 'fork', version: e.version, kept: rec.fp, rejected: fp };
      }
      if (e.version < rec.version) {
        return rec.live
          ? { kind: 'stale', reason: 'older_version' }
          : { kind: 'tombstoned', deletedVersion: rec.version };
      }
      if (rec.live && payload !== undefined) {
        if (encodePostPayload(payload) !== encodePostPayload(rec.payload!)) {
          return { kind: 'invalid', reason: 'payload_changed' };
        }
        this._records.set(e.postId, { ...rec, version: e.version, fp });
        return { kind: 'applied', effect: 'updated' };
      }
    } else if (e.eventTimeMs < wm - this._o.allowedLatenessMs) {
      return { kind: 'stale', reason: 'too_late' };
    }
    const base = { postId: e.postId, authorId: e.authorId, partition: p, version: e.version, fp };
    if (payload === undefined) {
      this._records.set(e.postId, { ...base, live: false, payload: undefined, deletedAtMs: e.eventTimeMs });
      return { kind: 'applied', effect: 'deleted' };
    }
    const candidate: Rec = { ...base, live: true, payload, deletedAtMs: 0 };
    const peers = [...this._records.values()].filter(
      (r) =>
        r.live &&
        r.authorId === e.authorId &&
        main(r.payload!) === main(payload) &&
        !this._expired(r) &&
        r.postId !== e.postId,
    );
    if (peers.length + 1 > this._o.maxPostsPerAuthor) {
      const victim = [...peers, candidate].sort(older)[0]!;
      if (victim === candidate) {
        return { kind: 'stale', reason: 'author_cap' };
      }
      this._records.delete(victim.postId);
    }
    this._records.set(e.postId, candidate);
    return { kind: 'applied', effect: 'inserted' };
  }

  private _eligible(r: Rec, viewerId: string): boolean {
    const { replyToPostId, repostOfPostId } = r.payload!;
    if (replyToPostId !== undefined) {
      return this._current(replyToPostId)?.live === true;
    }
    if (repostOfPostId !== undefined) {
      const target = this._current(repostOfPostId);
      return target === undefined || (target.live && target.authorId !== viewerId);
    }
    return true;
  }

  private _current(postId: string): Rec | undefined {
    const rec = this._records.get(postId);
    return rec === undefined || this._expired(rec) ? undefined : rec;
  }

  private _expired(r: Rec): boolean {
    const wm = this._watermark[r.partition]!;
    return r.live
      ? r.payload!.createdAtMs < wm - this._o.retentionMs
      : wm - r.deletedAtMs > this._o.allowedLatenessMs;
  }

  private _partition(authorId: string): number {
    return postEventPartition(authorId, this._o.partitions);
  }
}
