import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhoenixRuntime } from '../runtime';
import { smallWorldModel } from '../testing/tiny-model';
import { hnswIndexPath } from './hnsw-index';
import { loadOrBuildIndex } from './index-cache';

describe('loadOrBuildIndex', () => {
  const { world, trained } = smallWorldModel();
  const runtime = PhoenixRuntime.create(trained.model, world);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phoenix-index-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds and caches by model version, then loads the cached file; stale index files are removed', async () => {
    writeFileSync(join(dir, 'index-phoenix-v1-000000000000-m16-efc100-s42.hnsw'), 'old model');
    writeFileSync(join(dir, 'model.bin'), 'kept');
    let checkpoints = 0;
    const built = await loadOrBuildIndex(runtime, dir, {
      checkpoint: () => {
        checkpoints += 1;
        return Promise.resolve();
      },
    });
    expect(built.origin).toBe('built');
    expect(built.path).toBe(hnswIndexPath(dir, trained.model.version));
    expect(checkpoints).toBeGreaterThan(0); // the build yields between chunks
    expect(readdirSync(dir).sort()).toEqual([expect.stringContaining(trained.model.version), 'model.bin']);

    const loaded = await loadOrBuildIndex(runtime, dir);
    expect(loaded.origin).toBe('loaded');
    expect(loaded.index.size).toBe(world.posts.size);
    const q = runtime.corpusEmbeddings.subarray(0, runtime.embedDim);
    expect(loaded.index.nearest(Float64Array.from(q), 5)).toEqual(
      built.index.nearest(Float64Array.from(q), 5),
    );
  });

  it('rebuilds when the cached file is unreadable', async () => {
    const path = hnswIndexPath(dir, trained.model.version);
    writeFileSync(path, 'not an index');
    const result = await loadOrBuildIndex(runtime, dir);
    expect(result.origin).toBe('built');
    expect(existsSync(path)).toBe(true);
  });
});
