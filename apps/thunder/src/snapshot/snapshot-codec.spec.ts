import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostStore } from '../store/post-store';
import { storeDigest } from '../store/store-digest';
import { createEvent, deleteEvent, testOptions } from '../store/testing/events';
import {
  decodeSnapshot,
  encodeSnapshot,
  incompatibility,
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotMeta,
} from './snapshot-codec';
import { readSnapshotFile, SNAPSHOT_FILE, writeSnapshotFile } from './snapshot-file';

function sample(): { store: PostStore; snapshot: Snapshot } {
  const store = new PostStore(testOptions({ partitions: 2 }));
  store.apply(createEvent('p', 'a', { createdAtMs: 100, kind: 'video', videoMs: 1234 }), {
    partition: store.partitionOf('a'),
    entryId: '17-2',
  });
  store.apply(createEvent('q', 'b', { createdAtMs: 101, kind: 'reply', replyTo: 'p' }));
  store.apply(createEvent('r', 'b', { createdAtMs: 102, kind: 'repost', repostOf: 'p', videoMs: 5 }));
  store.apply(deleteEvent('gone', 'a', { version: 4, eventTimeMs: 103 }));
  const meta: SnapshotMeta = {
    epoch: 'epoch-1',
    streamPrefix: 'foryou:',
    writtenAtMs: 5,
    options: store.options,
  };
  return { store, snapshot: { meta, state: store.exportState() } };
}

function withBody(body: string, schemaVersion = 1): Buffer {
  const sha = createHash('sha256').update(body).digest('hex');
  const header = {
    format: SNAPSHOT_FORMAT,
    schema_version: schemaVersion,
    body_sha256: sha,
    body_bytes: body.length,
  };
  return Buffer.from(`${JSON.stringify(header)}\n${body}`);
}

describe(decodeSnapshot.name, () => {
  it('should round-trip a store exactly', () => {
    const { store, snapshot } = sample();

    const decoded = decodeSnapshot(encodeSnapshot(snapshot));

    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      expect(decoded.snapshot.meta).toEqual(snapshot.meta);
      const copy = new PostStore(decoded.snapshot.meta.options, decoded.snapshot.state);
      expect(storeDigest(copy)).toBe(storeDigest(store));
      expect(copy.offsets()).toEqual(store.offsets());
    }
  });

  it('should refuse a body whose checksum or length does not match, byte by byte', () => {
    const bytes = encodeSnapshot(sample().snapshot);
    const bodyStart = bytes.indexOf(0x0a) + 1;

    for (const at of [bodyStart, bodyStart + 40, bytes.length - 2]) {
      const flipped = Buffer.from(bytes);
      flipped[at] = flipped[at]! ^ 0x01;
      expect(decodeSnapshot(flipped)).toMatchObject({ ok: false, reason: 'checksum_mismatch' });
    }
    expect(decodeSnapshot(bytes.subarray(0, bytes.length - 1))).toMatchObject({
      ok: false,
      reason: 'checksum_mismatch',
    });
  });

  it('should refuse another schema version, an unreadable header and a well-summed bad body', () => {
    expect(decodeSnapshot(withBody('{}', 2))).toMatchObject({ ok: false, reason: 'schema_mismatch' });
    expect(decodeSnapshot(Buffer.from('not a snapshot'))).toMatchObject({ ok: false, reason: 'malformed' });
    expect(decodeSnapshot(Buffer.from('{"format":"x"}\n{}'))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeSnapshot(withBody('{"meta":{}}'))).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe(incompatibility.name, () => {
  it('should name what differs: prefix, options, epoch', () => {
    const { meta } = sample().snapshot;
    const expected = { epoch: meta.epoch, streamPrefix: meta.streamPrefix, options: meta.options };

    expect(incompatibility(meta, expected)).toBeUndefined();
    expect(incompatibility(meta, { ...expected, streamPrefix: 'other:' })).toBe('prefix_changed');
    expect(incompatibility(meta, { ...expected, options: { ...meta.options, retentionMs: 1 } })).toBe(
      'options_changed',
    );
    expect(incompatibility(meta, { ...expected, epoch: 'epoch-2' })).toBe('epoch_changed');
  });
});

describe(writeSnapshotFile.name, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thunder-snapshot-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('should replace the file atomically and leave no temp file behind', async () => {
    const target = join(dir, 'nested');
    expect(await readSnapshotFile(target)).toBeUndefined();

    await writeSnapshotFile(target, Buffer.from('first'));
    await writeSnapshotFile(target, Buffer.from('second'));

    expect((await readSnapshotFile(target))?.toString()).toBe('second');
    expect(await readdir(target)).toEqual([SNAPSHOT_FILE]);
  });
});
