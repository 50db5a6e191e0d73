import { compareHits, type Hit, TopK } from '../math/top-k';

/** Unit vectors to search: `vectors` is size × dim, row r has id `ids[r]`. */
export interface SearchCorpus {
  readonly ids: readonly string[];
  readonly vectors: Float32Array;
  readonly dim: number;
}

/** An approximate nearest-neighbour index over the rows of a SearchCorpus (inner product). */
export interface AnnIndex {
  readonly size: number;
  /** Rows of (about) the `n` most similar vectors, n <= size. */
  nearest(query: Float64Array, n: number): readonly number[];
}

/** The time a search may take. Checked between chunks (exact) and rounds (ANN). */
export interface SearchBudget {
  /** True once the caller's time is up: stop and return what has been found. */
  expired(): boolean;
  /** Called between chunks; may yield to the event loop (and may throw to cancel). */
  checkpoint?(): Promise<void>;
}

export const UNBOUNDED: SearchBudget = { expired: () => false };

/** The outcome of a search: `exhaustive` false means the budget ran out before the search finished. */
export interface SearchResult {
  /** At most k hits, sorted by (similarity desc, post id asc). */
  readonly hits: Hit[];
  readonly exhaustive: boolean;
}

const CHUNK_ROWS = 4096;

function similarity(corpus: SearchCorpus, query: Float64Array, row: number): number {
  const d = corpus.dim;
  const off = row * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    s += query[j]! * corpus.vectors[off + j]!;
  }
  return s;
}

/**
 * Brute-force top-k: every accepted row's inner product with `query`, best k by (similarity desc,
 * id asc). The reference the ANN path is measured against. k > corpus → every accepted row.
 */
export async function exactSearch(
  corpus: SearchCorpus,
  query: Float64Array,
  k: number,
  accept: (row: number) => boolean,
  budget: SearchBudget = UNBOUNDED,
): Promise<SearchResult> {
  const top = new TopK(k);
  const n = corpus.ids.length;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    if (start > 0) {
      await budget.checkpoint?.();
      if (budget.expired()) {
        return { hits: top.sorted(), exhaustive: false };
      }
    }
    const end = Math.min(n, start + CHUNK_ROWS);
    for (let row = start; row < end; row++) {
      if (accept(row)) {
        top.offer({ row, postId: corpus.ids[row]!, similarity: similarity(corpus, query, row) });
      }
    }
  }
  return { hits: top.sorted(), exhaustive: true };
}

/**
 * ANN top-k with filtering by over-fetching: ask the index for more neighbours than k (2k, then ×4
 * per round), drop rejected rows, and stop once k accepted rows are found. When the next round would
 * fetch more than a quarter of the corpus, finish with an exact scan instead (so a very selective
 * filter still gets a complete answer). Similarities are recomputed exactly, so the ANN and exact
 * paths report identical values for the same post.
 */
export async function annSearch(
  corpus: SearchCorpus,
  index: AnnIndex,
  query: Float64Array,
  k: number,
  accept: (row: number) => boolean,
  budget: SearchBudget = UNBOUNDED,
): Promise<SearchResult> {
  const n = index.size;
  if (k <= 0 || n === 0) {
    return { hits: [], exhaustive: true };
  }
  let fetch = Math.min(n, Math.max(2 * k, k + 32));
  let best: Hit[] = [];
  for (;;) {
    const top = new TopK(k);
    for (const row of index.nearest(query, fetch)) {
      if (accept(row)) {
        top.offer({ row, postId: corpus.ids[row]!, similarity: similarity(corpus, query, row) });
      }
    }
    best = top.sorted();
    if (best.length >= k || fetch >= n) {
      return { hits: best, exhaustive: true };
    }
    await budget.checkpoint?.();
    if (budget.expired()) {
      return { hits: best, exhaustive: false };
    }
    fetch *= 4;
    if (fetch > n / 4) {
      const exact = await exactSearch(corpus, query, k, accept, budget);
      // A budget cut mid-scan keeps whichever partial answer is longer.
      return exact.exhaustive || exact.hits.length >= best.length
        ? exact
        : { hits: best.sort(compareHits), exhaustive: false };
    }
  }
}
