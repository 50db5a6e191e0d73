import { encodePostEvent, type PostEvent, type PostUpsertEvent } from '@foryou/contracts';
import { GraphRejectedError } from '@foryou/task-graph';
import { createLogger } from '@foryou/telemetry';
import { contentHash, MODEL_REVISION } from './content-models';
import { contentEventHandler, decodeStreamEntry, type GraphSubmitter } from './content-events';
import type { ContentSource, LoadResult } from './content-source';
import type { ContentState, WriteOutcome } from './content-store';

const logger = createLogger({ service: 'grox-spec', level: 'silent' });
const payload = { kind: 'original', createdAtMs: 1000 } as const;
const create = (postId: string, version = 1): PostUpsertEvent => ({
  type: 'create',
  eventId: `e-${postId}-${version}`,
  postId,
  authorId: 'author-1',
  version,
  eventTimeMs: 1000,
  publishedAtMs: 2000,
  payload,
});
const update = (postId: string, version: number): PostEvent => ({
  ...create(postId, version),
  type: 'update',
  eventTimeMs: 5000,
});
const remove = (postId: string, version: number): PostEvent => ({
  type: 'delete',
  eventId: `d-${postId}`,
  postId,
  authorId: 'author-1',
  version,
  eventTimeMs: 9000,
  publishedAtMs: 9000,
});

const TEXT = { text: 'quick tip for #cooking', topic: 'cooking' };
const source: ContentSource = {
  version: 'test-world',
  embeddingDim: 8,
  load: (p): LoadResult => ({
    ok: true,
    post: { postId: p.postId, authorId: p.authorId, ...TEXT, source: 'world' },
  }),
};

function setup(states: Record<string, ContentState> = {}, submitError?: Error) {
  const submitted: { plan: string; graphId: string; payload: unknown }[] = [];
  const tombstones: [string, number, number][] = [];
  const counts: string[] = [];
  const executor: GraphSubmitter = {
    submit: <P>(plan: string, graphId: string, p: P) => {
      if (submitError) {
        return Promise.reject(submitError);
      }
      submitted.push({ plan, graphId, payload: p });
      return Promise.resolve();
    },
  };
  const handle = contentEventHandler({
    executor,
    store: {
      state: (postId) => Promise.resolve(states[postId]),
      tombstone: (postId, version, revision): Promise<WriteOutcome> => {
        tombstones.push([postId, version, revision]);
        return Promise.resolve('written');
      },
    },
    source,
    logger,
    count: (type, outcome) => counts.push(`${type}:${outcome}`),
  });
  const run = (fields: readonly string[] | null) => handle({ id: '1-0', fields }, 0);
  return { run, submitted, tombstones, counts };
}

describe(contentEventHandler.name, () => {
  it('should submit one graph per create, with the graph id of (post, version)', async () => {
    const t = setup();
    await expect(t.run(encodePostEvent(create('p1')))).resolves.toBe('ack');
    expect(t.submitted).toEqual([
      {
        plan: 'content',
        graphId: 'cu1-v1-p-p1',
        payload: { postId: 'p1', authorId: 'author-1', version: 1, eventType: 'create', eventId: 'e-p1-1' },
      },
    ]);
    expect(t.counts).toEqual(['create:submitted']);
  });

  it('should defer (not acknowledge) an event whose graph the waiting room rejects', async () => {
    const t = setup({}, new GraphRejectedError('cu1-v1-p-p1', 5, 5));
    await expect(t.run(encodePostEvent(create('p1')))).resolves.toBe('defer');
    expect(t.counts).toEqual(['create:deferred']);
  });

  it('should retry on any other submission error', async () => {
    const t = setup({}, new Error('ECONNREFUSED'));
    await expect(t.run(encodePostEvent(create('p1')))).resolves.toBe('retry');
    expect(t.counts).toEqual(['create:error']);
  });

  it('should skip a version that is already published, or superseded', async () => {
    const state = { postVersion: 2, modelRevision: MODEL_REVISION, contentHash: 'x', deleted: false };
    const t = setup({ p1: state });
    await expect(t.run(encodePostEvent(create('p1')))).resolves.toBe('ack');
    await expect(t.run(encodePostEvent(update('p1', 2)))).resolves.toBe('ack');
    expect(t.submitted).toEqual([]);
    expect(t.counts).toEqual(['create:already_published', 'update:already_published']);
  });

  it('should re-process a published version under a newer model revision', async () => {
    const t = setup({
      p1: { postVersion: 1, modelRevision: MODEL_REVISION - 1, contentHash: 'x', deleted: false },
    });
    await t.run(encodePostEvent(create('p1')));
    expect(t.submitted.map((s) => s.graphId)).toEqual(['cu1-v1-p-p1']);
  });

  it('should submit an update only when its content changed', async () => {
    const same = {
      postVersion: 1,
      modelRevision: MODEL_REVISION,
      contentHash: contentHash(TEXT),
      deleted: false,
    };
    const t = setup({ same, changed: { ...same, contentHash: 'other' } });
    await t.run(encodePostEvent(update('same', 2)));
    await t.run(encodePostEvent(update('changed', 2)));
    await t.run(encodePostEvent(update('unknown', 2)));
    expect(t.submitted.map((s) => s.graphId)).toEqual(['cu1-v2-p-changed', 'cu1-v2-p-unknown']);
    expect(t.counts).toEqual(['update:unchanged', 'update:submitted', 'update:submitted']);
  });

  it('should tombstone a delete instead of running a graph', async () => {
    const t = setup();
    await expect(t.run(encodePostEvent(remove('p1', 3)))).resolves.toBe('ack');
    expect(t.tombstones).toEqual([['p1', 3, MODEL_REVISION]]);
    expect(t.submitted).toEqual([]);
    expect(t.counts).toEqual(['delete:deleted']);
  });

  it('should acknowledge and count entries that are not valid post events', async () => {
    const t = setup();
    const fields = encodePostEvent(create('p1'));
    fields[fields.indexOf('version') + 1] = '0';
    await expect(t.run(fields)).resolves.toBe('ack');
    await expect(t.run(null)).resolves.toBe('ack');
    await expect(t.run(['type'])).resolves.toBe('ack');
    expect(t.submitted).toEqual([]);
    expect(t.counts).toEqual(['create:invalid', 'unknown:invalid', 'unknown:invalid']);
  });

  it('should carry optional text/topic entry fields into the graph payload', async () => {
    const t = setup();
    await t.run([...encodePostEvent(create('p1')), 'text', 'hello world', 'topic', 'music']);
    expect(t.submitted[0]?.payload).toMatchObject({ text: 'hello world', topic: 'music' });
  });
});

describe(decodeStreamEntry.name, () => {
  it('should reject repeated fields like Thunder does', () => {
    const fields = [...encodePostEvent(create('p1')), 'post_id', 'p2'];
    expect(decodeStreamEntry(fields)).toEqual({
      ok: false,
      reason: 'post_id: field repeated',
      type: 'create',
    });
  });
});
