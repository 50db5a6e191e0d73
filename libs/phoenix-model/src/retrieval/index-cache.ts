import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PhoenixRuntime } from '../runtime';
import { DEFAULT_HNSW, HnswIndex, hnswIndexPath, type HnswParams } from './hnsw-index';

/** The runtime's HNSW index and where it came from. */
export interface CachedIndex {
  readonly index: HnswIndex;
  readonly origin: 'loaded' | 'built';
  readonly path: string;
  readonly seconds: number;
  /** Set when a freshly built index could not be written (it is rebuilt next time). */
  readonly cacheError?: Error;
}

/**
 * The HNSW index of the runtime's corpus embeddings: read from `<dir>/index-<model version>-…` when
 * that file exists and matches the corpus size and dimension, else built (calling `checkpoint`
 * between chunks) and written atomically there, removing the directory's other (stale) index files.
 * Keyed by model version and build parameters, so a new model never reads an old model's index.
 */
export async function loadOrBuildIndex(
  runtime: PhoenixRuntime,
  dir: string,
  options: { params?: HnswParams; checkpoint?: () => Promise<void> } = {},
): Promise<CachedIndex> {
  const started = performance.now();
  const params = options.params ?? DEFAULT_HNSW;
  const path = hnswIndexPath(dir, runtime.model.version, params);
  const seconds = () => (performance.now() - started) / 1000;
  const cached = HnswIndex.read(path, runtime.embedDim, runtime.corpus.size, params);
  if (cached) {
    return { index: cached, origin: 'loaded', path, seconds: seconds() };
  }
  const index = await HnswIndex.build(runtime.corpusEmbeddings, runtime.embedDim, params, options.checkpoint);
  try {
    index.write(path);
    removeStaleIndexes(path);
    return { index, origin: 'built', path, seconds: seconds() };
  } catch (err) {
    return { index, origin: 'built', path, seconds: seconds(), cacheError: err as Error };
  }
}

/** Best effort: other `index-*.hnsw` files next to `keep` belong to older models or parameters. */
function removeStaleIndexes(keep: string): void {
  const dir = dirname(keep);
  try {
    for (const name of readdirSync(dir)) {
      if (name !== basename(keep) && /^index-.*\.hnsw$/.test(name)) {
        rmSync(join(dir, name), { force: true });
      }
    }
  } catch {
    // Stale files only cost disk space; never fail a start-up over them.
  }
}
