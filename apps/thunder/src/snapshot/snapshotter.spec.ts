import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@foryou/telemetry';
import { PostStore } from '../store/post-store';
import { storeDigest } from '../store/store-digest';
import { createEvent, testOptions } from '../store/testing/events';
import { restoreStore } from './restore';
import { readSnapshotFile } from './snapshot-file';
import { Snapshotter } from './snapshotter';

describe(Snapshotter.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thunder-snapshotter-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('should write a restorable snapshot, skip an unchanged store and write again after a change', async () => {
    const store = new PostStore(testOptions());
    const outcomes: string[] = [];
    const sut = new Snapshotter({
      dir,
      store,
      epoch: 'e1',
      streamPrefix: 'p:',
      metrics: { snapshot: (outcome) => outcomes.push(outcome) },
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    store.apply(createEvent('p1', 'a', { createdAtMs: 10 }), { partition: 0, entryId: '3-0' });

    const results = [await sut.writeNow(), await sut.writeNow()];
    store.apply(createEvent('p2', 'a', { createdAtMs: 11 }), { partition: 0, entryId: '4-0' });
    results.push(await sut.writeNow());

    expect(results).toEqual(['written', 'unchanged', 'written']);
    expect(outcomes).toEqual(['written', 'unchanged', 'written']);
    const restored = restoreStore(await readSnapshotFile(dir), {
      epoch: 'e1',
      streamPrefix: 'p:',
      options: store.options,
    });
    expect(restored.source).toBe('snapshot');
    expect(storeDigest(restored.store)).toBe(storeDigest(store));
    expect(restored.store.offsets()).toEqual(['4-0']);
  });
});
