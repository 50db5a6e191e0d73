import { PostStore } from '../store/post-store';
import { storeDigest } from '../store/store-digest';
import { createEvent, testOptions } from '../store/testing/events';
import { encodeSnapshot } from './snapshot-codec';
import { restoreStore } from './restore';

const options = testOptions({ partitions: 2 });
const expected = { epoch: 'e1', streamPrefix: 'foryou:', options };

function snapshotOf(store: PostStore, meta: Partial<typeof expected> = {}): Buffer {
  return encodeSnapshot({
    meta: { ...expected, ...meta, options: meta.options ?? store.options, writtenAtMs: 0 },
    state: store.exportState(),
  });
}

describe(restoreStore.name, () => {
  const source = new PostStore(options);
  source.apply(createEvent('p', 'a', { createdAtMs: 100 }), {
    partition: source.partitionOf('a'),
    entryId: '9-0',
  });

  it('should restore an intact, matching snapshot', () => {
    const decision = restoreStore(snapshotOf(source), expected);

    expect(decision.source).toBe('snapshot');
    expect(storeDigest(decision.store)).toBe(storeDigest(source));
  });

  it('should start empty, never from corrupt or foreign state', () => {
    const corrupt = snapshotOf(source);
    corrupt[corrupt.length - 3] = corrupt[corrupt.length - 3]! ^ 0x20;
    const otherOptions = snapshotOf(new PostStore({ ...options, retentionMs: 5 }));

    const decisions = [
      restoreStore(undefined, expected),
      restoreStore(corrupt, expected),
      restoreStore(snapshotOf(source, { epoch: 'e0' }), expected),
      restoreStore(snapshotOf(source, { streamPrefix: 'x:' }), expected),
      restoreStore(otherOptions, expected),
    ];

    expect(decisions.map((d) => [d.source, d.detail.split(':')[0]])).toEqual([
      ['empty', 'no snapshot'],
      ['empty', 'checksum_mismatch'],
      ['empty', 'epoch_changed'],
      ['empty', 'prefix_changed'],
      ['empty', 'options_changed'],
    ]);
    expect(decisions.every((d) => d.store.stats().activePosts === 0 && d.store.offsets()[0] === '0-0')).toBe(
      true,
    );
  });
});
