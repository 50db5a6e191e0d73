/**
 * The last `capacity` event ids seen, in arrival order (FIFO eviction). Contract: an id is reported as
 * seen iff it is among the last `capacity` distinct ids added. An older duplicate is no longer caught
 * here, but it is still harmless: the per-post version check classifies it as a same-version duplicate
 * or as stale, and it never changes state.
 */
export class DedupeWindow {
  private readonly _ids = new Set<string>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError('capacity must be a non-negative integer');
    }
  }

  has(id: string): boolean {
    return this._ids.has(id);
  }

  add(id: string): void {
    if (this.capacity === 0 || this._ids.has(id)) {
      return;
    }
    this._ids.add(id);
    if (this._ids.size > this.capacity) {
      // A Set iterates in insertion order: the first id is the oldest.
      const oldest = this._ids.values().next();
      if (oldest.done !== true) {
        this._ids.delete(oldest.value);
      }
    }
  }

  /** Oldest first; feeding the array back through `add` rebuilds the same window. */
  toArray(): string[] {
    return [...this._ids];
  }
}
