import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@foryou/world';
import { l2NormalizeInPlace } from '../math/vector';
import { HnswIndex } from './hnsw-index';
import { annSearch, exactSearch, type SearchBudget, type SearchCorpus } from './search';

/** The book's 2-D example: u = (3, 4) → (0.6, 0.8). */
const TINY: SearchCorpus = {
  ids: ['A', 'B', 'C', 'D', 'E', 'F'],
  // A (0.6,0.8) · B (0.8,0.6) · C (1,0) · D (0,1) · E (−0.6,−0.8) · F = B (a tie with B)
  vectors: new Float32Array([0.6, 0.8, 0.8, 0.6, 1, 0, 0, 1, -0.6, -0.8, 0.8, 0.6]),
  dim: 2,
};
const query = (): Float64Array => {
  const u = new Float64Array([3, 4]);
  l2NormalizeInPlace(u);
  return u;
};
const all = () => true;

describe('exactSearch on a hand-computed corpus', () => {
  it('scores by cosine: A 1, B 0.96, F 0.96, D 0.8, C 0.6, E −1', async () => {
    const { hits, exhaustive } = await exactSearch(TINY, query(), 10, all);
    expect(exhaustive).toBe(true);
    expect(hits.map((h) => h.postId)).toEqual(['A', 'B', 'F', 'D', 'C', 'E']); // k > corpus: everything
    const expected = [1, 0.96, 0.96, 0.8, 0.6, -1];
    hits.forEach((h, i) => expect(h.similarity).toBeCloseTo(expected[i]!, 6));
  });

  it('breaks the B/F tie by post id and cuts at k', async () => {
    const { hits } = await exactSearch(TINY, query(), 2, all);
    expect(hits.map((h) => h.postId)).toEqual(['A', 'B']);
    expect(hits[1]!.similarity).toBe((await exactSearch(TINY, query(), 3, all)).hits[2]!.similarity);
  });

  it('never returns excluded rows, and k = 0 returns nothing', async () => {
    const notB = (row: number) => TINY.ids[row] !== 'B';
    expect((await exactSearch(TINY, query(), 3, notB)).hits.map((h) => h.postId)).toEqual(['A', 'F', 'D']);
    expect((await exactSearch(TINY, query(), 0, all)).hits).toEqual([]);
  });
});

/** n random unit vectors of dimension d (seeded). */
function randomCorpus(n: number, d: number, seed: number): SearchCorpus {
  const rng = createRng(seed);
  const vectors = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const v = new Float64Array(d).map(() => rng.normal());
    l2NormalizeInPlace(v);
    vectors.set(v, r * d);
  }
  return { ids: Array.from({ length: n }, (_, r) => `p${String(r).padStart(5, '0')}`), vectors, dim: d };
}

function randomQuery(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const q = new Float64Array(d).map(() => rng.normal());
  l2NormalizeInPlace(q);
  return q;
}

describe('exactSearch budget', () => {
  it('stops between chunks once the budget has expired and says the answer is not exhaustive', async () => {
    const corpus = randomCorpus(10_000, 8, 1);
    let checkpoints = 0;
    const budget: SearchBudget = {
      expired: () => checkpoints >= 1,
      checkpoint: () => {
        checkpoints += 1;
        return Promise.resolve();
      },
    };
    const { hits, exhaustive } = await exactSearch(corpus, randomQuery(8, 2), 5, all, budget);
    expect(exhaustive).toBe(false);
    expect(hits).toHaveLength(5);
    expect(hits.every((h) => h.row < 4096)).toBe(true); // only the first chunk was scanned
  });
});

describe('HNSW against the exact reference', () => {
  const corpus = randomCorpus(3000, 16, 7);
  let index: HnswIndex;
  beforeAll(async () => {
    index = await HnswIndex.build(corpus.vectors, corpus.dim);
  });

  it('agrees with brute force on top-10 (recall ≥ 0.95) and reports identical similarities', async () => {
    let overlap = 0;
    for (let q = 0; q < 20; q++) {
      const query = randomQuery(16, 100 + q);
      const exact = await exactSearch(corpus, query, 10, all);
      const ann = await annSearch(corpus, index, query, 10, all);
      expect(ann.exhaustive).toBe(true);
      const bySimilarity = new Map(exact.hits.map((h) => [h.postId, h.similarity]));
      for (const h of ann.hits) {
        if (bySimilarity.has(h.postId)) {
          overlap += 1;
          expect(h.similarity).toBe(bySimilarity.get(h.postId));
        }
      }
    }
    expect(overlap / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('a very selective filter falls back to an exact scan: the same complete answer', async () => {
    const query = randomQuery(16, 5);
    const rare = (row: number) => row % 97 === 0; // 31 of 3000 rows
    const exact = await exactSearch(corpus, query, 10, rare);
    const ann = await annSearch(corpus, index, query, 10, rare);
    expect(ann).toEqual(exact);
    expect(ann.hits.every((h) => h.row % 97 === 0)).toBe(true);
  });

  it('k larger than the corpus returns every accepted row, sorted', async () => {
    const query = randomQuery(16, 6);
    const few = (row: number) => row < 40;
    const ann = await annSearch(corpus, index, query, 5000, few);
    expect(ann.exhaustive).toBe(true);
    expect(ann.hits).toEqual((await exactSearch(corpus, query, 5000, few)).hits);
    expect(ann.hits).toHaveLength(40);
  });

  it('the index file round-trips; a file of the wrong size is rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    try {
      const path = join(dir, 'index.hnsw');
      index.write(path);
      const read = HnswIndex.read(path, 16, 3000);
      expect(read?.nearest(randomQuery(16, 9), 5)).toEqual(index.nearest(randomQuery(16, 9), 5));
      expect(HnswIndex.read(path, 16, 2999)).toBeNull();
      expect(HnswIndex.read(join(dir, 'missing.hnsw'), 16, 3000)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
