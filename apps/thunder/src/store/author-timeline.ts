/** One post in a timeline, ordered by (createdAtMs, postId). */
export interface TimelineEntry {
  readonly createdAtMs: number;
  readonly postId: string;
}

function compareEntries(a: TimelineEntry, b: TimelineEntry): number {
  return a.createdAtMs - b.createdAtMs || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0);
}

/**
 * One author's posts of one kind, kept sorted oldest → newest by (createdAtMs, postId), so the newest
 * is last (appends are O(1) for in-order events) and the oldest is first (retention and caps remove
 * from the front). Post ids are unique within a timeline; the caller guarantees it.
 */
export class AuthorTimeline {
  private readonly _entries: TimelineEntry[] = [];

  get size(): number {
    return this._entries.length;
  }

  insert(entry: TimelineEntry): void {
    const at = this._lowerBound(entry);
    this._entries.splice(at, 0, entry);
  }

  /** Removes the entry with this (createdAtMs, postId); false if absent. */
  remove(entry: TimelineEntry): boolean {
    const at = this._lowerBound(entry);
    const found = this._entries[at];
    if (found === undefined || compareEntries(found, entry) !== 0) {
      return false;
    }
    this._entries.splice(at, 1);
    return true;
  }

  oldest(): TimelineEntry | undefined {
    return this._entries[0];
  }

  /** The i-th newest entry (0 = newest), or undefined past the end. */
  fromNewest(i: number): TimelineEntry | undefined {
    return this._entries[this._entries.length - 1 - i];
  }

  /** Removes and returns every entry created before `thresholdMs`. */
  removeOlderThan(thresholdMs: number): TimelineEntry[] {
    let n = 0;
    while (n < this._entries.length && this._entries[n]!.createdAtMs < thresholdMs) {
      n++;
    }
    return n === 0 ? [] : this._entries.splice(0, n);
  }

  /** First index whose entry is >= `entry`. */
  private _lowerBound(entry: TimelineEntry): number {
    let lo = 0;
    let hi = this._entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this._entries[mid]!, entry) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
