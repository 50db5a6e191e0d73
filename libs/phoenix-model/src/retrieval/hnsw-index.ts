import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HierarchicalNSW } from 'hnswlib-node';
import type { AnnIndex } from './search';

/** HNSW build and search parameters (part of the index cache key). */
export interface HnswParams {
  readonly m: number;
  readonly efConstruction: number;
  /** Minimum search breadth; a search for n neighbours uses max(efSearch, n). */
  readonly efSearch: number;
  readonly seed: number;
}

/**
 * Chosen on the trained medium-world embeddings, whose nearest neighbours are near-ties (top-1 and
 * top-10 similarities differ by ~0.02): M 32 / efConstruction 100 / ef 512 gives ~0.95 recall@10
 * against exact search at ~0.8 ms per query and a ~14 s build (M 16 / ef 128: ~0.8).
 */
export const DEFAULT_HNSW: HnswParams = Object.freeze({
  m: 32,
  efConstruction: 100,
  efSearch: 512,
  seed: 42,
});

const BUILD_CHUNK = 2048;

/** hnswlib-node's HNSW in inner-product space ('ip': distance = 1 − u·v) over L2-normalised vectors. */
export class HnswIndex implements AnnIndex {
  private constructor(
    private readonly _index: HierarchicalNSW,
    readonly size: number,
    private readonly _params: HnswParams,
  ) {}

  /**
   * Adds every row of `vectors` (size × dim) with its row number as label. `checkpoint` runs between
   * chunks so a server can stay responsive while it builds.
   */
  static async build(
    vectors: Float32Array,
    dim: number,
    params: HnswParams = DEFAULT_HNSW,
    checkpoint?: () => Promise<void>,
  ): Promise<HnswIndex> {
    const size = vectors.length / dim;
    const index = new HierarchicalNSW('ip', dim);
    index.initIndex({
      maxElements: Math.max(1, size),
      m: params.m,
      efConstruction: params.efConstruction,
      randomSeed: params.seed,
    });
    for (let row = 0; row < size; row++) {
      if (row > 0 && row % BUILD_CHUNK === 0) {
        await checkpoint?.();
      }
      index.addPoint(Array.from(vectors.subarray(row * dim, (row + 1) * dim)), row);
    }
    return new HnswIndex(index, size, params);
  }

  /** Reads an index file; null when it is missing, unreadable, or not `size` × `dim`. */
  static read(path: string, dim: number, size: number, params: HnswParams = DEFAULT_HNSW): HnswIndex | null {
    if (!existsSync(path)) {
      return null;
    }
    try {
      const index = new HierarchicalNSW('ip', dim);
      index.readIndexSync(path);
      if (index.getCurrentCount() !== size || index.getNumDimensions() !== dim) {
        return null;
      }
      return new HnswIndex(index, size, params);
    } catch {
      return null;
    }
  }

  /** Writes the index atomically (temporary file, then rename). */
  write(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
      this._index.writeIndexSync(tmp);
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  nearest(query: Float64Array, n: number): readonly number[] {
    const count = Math.min(n, this.size);
    if (count <= 0) {
      return [];
    }
    this._index.setEf(Math.max(this._params.efSearch, count));
    return this._index.searchKnn(Array.from(query), count).neighbors;
  }
}

/** The cache file of a model's index: keyed by model version and build parameters. */
export function hnswIndexPath(dir: string, modelVersion: string, params: HnswParams = DEFAULT_HNSW): string {
  return join(dir, `index-${modelVersion}-m${params.m}-efc${params.efConstruction}-s${params.seed}.hnsw`);
}
