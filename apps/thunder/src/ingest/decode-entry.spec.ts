import {
  encodePostEvent,
  postEventPartition,
  postEventStreamKey,
  type PostEvent,
  type PostUpsertEvent,
} from '@foryou/contracts';
import { decodeEntry } from './decode-entry';

const create: PostUpsertEvent = {
  type: 'create',
  eventId: 'evt-1',
  postId: 'p1',
  authorId: 'u7',
  version: 1,
  eventTimeMs: 1_767_225_000_000,
  publishedAtMs: 1_700_000_000_123,
  payload: { kind: 'repost', createdAtMs: 1_767_225_000_000, repostOfPostId: 'p0', videoDurationMs: 4000 },
};

function fields(event: PostEvent, patch: Record<string, string | undefined> = {}): string[] {
  const flat = encodePostEvent(event);
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const value = Object.hasOwn(patch, name) ? patch[name] : flat[i + 1]!;
    if (value !== undefined) {
      out.push(name, value);
    }
  }
  for (const [name, value] of Object.entries(patch)) {
    if (value !== undefined && !flat.includes(name)) {
      out.push(name, value);
    }
  }
  return out;
}

describe(decodeEntry.name, () => {
  it('should round-trip every event type through the wire format', () => {
    const { payload: _payload, ...base } = create;
    const del: PostEvent = { ...base, type: 'delete', version: 2, eventId: 'evt-2' };
    const update: PostEvent = { ...create, type: 'update', version: 3, eventTimeMs: create.eventTimeMs + 5 };

    for (const event of [create, del, update]) {
      expect(decodeEntry(encodePostEvent(event))).toEqual({ ok: true, event, type: event.type });
    }
  });

  it('should ignore unknown fields (additive changes stay schema version 1)', () => {
    expect(decodeEntry(fields(create, { trace_id: 'abc' }))).toMatchObject({ ok: true });
  });

  it.each([
    ['schema_version', { schema_version: '2' }],
    ['version', { version: '0' }],
    ['version', { version: '01' }],
    ['event_time_ms', { event_time_ms: '-5' }],
    ['payload', { payload: '{"kind":"repost","created_at_ms":1767225000000}' }],
    ['payload', { payload: 'not json' }],
    ['payload', { payload: undefined }],
    ['payload', { event_time_ms: '1767225000001' }],
    ['post_id', { post_id: 'has space' }],
    ['type', { type: 'upsert' }],
  ])('should reject a bad %s and name it', (field, patch) => {
    const decoded = decodeEntry(fields(create, patch));

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(new RegExp(`^${field}`));
  });

  it('should reject a delete with a payload, an odd field list and a repeated field', () => {
    const { payload: _payload, ...base } = create;
    const del = fields({ ...base, type: 'delete' }, { payload: '{}' });

    expect(decodeEntry(del)).toMatchObject({ ok: false, type: 'delete' });
    expect(decodeEntry([...fields(create), 'dangling'])).toMatchObject({ ok: false, type: 'create' });
    expect(decodeEntry([...fields(create), 'post_id', 'p2'])).toMatchObject({
      ok: false,
      reason: 'post_id: field repeated',
    });
    expect(decodeEntry(['type', 'nonsense'])).toMatchObject({ ok: false, type: 'unknown' });
  });
});

describe(postEventPartition.name, () => {
  it('should be FNV-1a 32 of the UTF-8 id, mod N (published FNV vectors, pinned ids)', () => {
    // FNV-1a 32: "" = 0x811c9dc5, "a" = 0xe40c292c, "foobar" = 0xbf9cf968.
    expect(postEventPartition('', 1 << 10)).toBe(0x811c9dc5 % 1024);
    expect(postEventPartition('a', 1000)).toBe(0xe40c292c % 1000);
    expect(postEventPartition('foobar', 997)).toBe(0xbf9cf968 % 997);
    // Pinned: changing these moves every author to another stream.
    expect(['author-a', 'xiaolin', 'u1', 'u9999'].map((id) => postEventPartition(id, 8))).toEqual([
      0, 5, 3, 4,
    ]);
    expect(postEventPartition('é', 1 << 10)).not.toBe(postEventPartition('e', 1 << 10));
    expect(() => postEventPartition('a', 0)).toThrow(RangeError);
    expect(postEventStreamKey('foryou:', 3)).toBe('foryou:thunder:posts:3');
  });
});
