/** One scored corpus item. `row` is its row in the corpus matrix. */
export interface Hit {
  readonly row: number;
  readonly postId: string;
  readonly similarity: number;
}

/** The total order of results: similarity descending, then post id ascending (code-unit order). */
export function compareHits(a: Hit, b: Hit): number {
  if (a.similarity !== b.similarity) {
    return b.similarity - a.similarity;
  }
  return a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0;
}

/** True when `a` ranks strictly after `b` in the `compareHits` order. */
function worse(a: Hit, b: Hit): boolean {
  return a.similarity < b.similarity || (a.similarity === b.similarity && a.postId > b.postId);
}

/**
 * Keeps the best `k` hits offered so far (by `compareHits`) in a binary heap whose root is the worst
 * kept hit: O(log k) per offer. NaN similarities are rejected (they have no place in a total order).
 */
export class TopK {
  private readonly _heap: Hit[] = [];

  constructor(readonly k: number) {}

  get size(): number {
    return this._heap.length;
  }

  offer(hit: Hit): void {
    if (this.k <= 0 || Number.isNaN(hit.similarity)) {
      return;
    }
    const heap = this._heap;
    if (heap.length < this.k) {
      heap.push(hit);
      this._siftUp(heap.length - 1);
    } else if (worse(heap[0]!, hit)) {
      heap[0] = hit;
      this._siftDown(0);
    }
  }

  /** The kept hits, best first. */
  sorted(): Hit[] {
    return [...this._heap].sort(compareHits);
  }

  private _siftUp(i: number): void {
    const heap = this._heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) {
        return;
      }
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private _siftDown(i: number): void {
    const heap = this._heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(heap[l]!, heap[w]!)) {
        w = l;
      }
      if (r < heap.length && worse(heap[r]!, heap[w]!)) {
        w = r;
      }
      if (w === i) {
        return;
      }
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  }
}
