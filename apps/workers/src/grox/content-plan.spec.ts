import { ID_PATTERN, PermanentTaskError, validatePlan, type TaskOutcome } from '@foryou/task-graph';
import { generateWorld } from '@foryou/world';
import { decodeEmbedding, MODEL_VERSION } from './content-models';
import { contentGraphId, contentPlan, GROX_POOLS } from './content-plan';
import { WorldContentSource, type ContentGraphPayload } from './content-source';
import type { ContentRecord, WriteOutcome } from './content-store';

const world = generateWorld({ seed: 5, scale: 'small' });
const source = new WorldContentSource(world);

/** Runs the plan's handlers in dependency order, in-process, handing each its direct deps' results (JSON round-tripped). */
async function runPlan(
  payload: ContentGraphPayload,
  published: ContentRecord[],
): Promise<Record<string, unknown>> {
  const plan = contentPlan({
    source,
    store: {
      publish: (r: ContentRecord): Promise<WriteOutcome> => {
        published.push(r);
        return Promise.resolve('written');
      },
    },
    now: () => 1234,
  });
  const results: Record<string, unknown> = {};
  for (const task of plan.tasks) {
    const outcome: TaskOutcome = await task.handler({
      graphId: 'g',
      taskId: task.id,
      attempt: 1,
      depResults: Object.fromEntries(
        task.deps.map((d) => [d, JSON.parse(JSON.stringify(results[d])) as unknown]),
      ),
      payload,
      signal: new AbortController().signal,
    });
    if (outcome.status !== 'succeeded') {
      throw new Error(`${task.id} ${outcome.status}`);
    }
    results[task.id] = outcome.result;
  }
  return results;
}

describe('content plan', () => {
  it('should be a valid plan: load → summarize → (embed ∥ classify) → publish, embed alone on the cpu pool', () => {
    const plan = contentPlan({ source, store: { publish: () => Promise.resolve('written' as const) } });
    expect(validatePlan(plan, GROX_POOLS)).toEqual([]);
    expect(plan.tasks.map((t) => [t.id, t.pool, t.deps])).toEqual([
      ['load', 'network', []],
      ['summarize', 'network', ['load']],
      ['embed', 'cpu', ['load', 'summarize']],
      ['classify', 'network', ['load', 'summarize']],
      ['publish', 'network', ['load', 'summarize', 'embed', 'classify']],
    ]);
  });

  describe(contentGraphId.name, () => {
    it('should name the post, the version and the model revision when the id is safe', () => {
      expect(contentGraphId('p42', 2)).toBe('cu1-v2-p-p42');
      expect(contentGraphId('p42', 2, 7)).toBe('cu7-v2-p-p42');
    });

    it('should hash post ids that are not graph-id safe or too long, and stay a valid graph id', () => {
      for (const id of ['a:b', 'x.y', 'z'.repeat(70), 'p42']) {
        expect(contentGraphId(id, 123_456_789)).toMatch(ID_PATTERN);
      }
      expect(contentGraphId('a:b', 1)).toMatch(/^cu1-v1-h-[0-9a-f]{32}$/);
      expect(contentGraphId('a:b', 1)).not.toBe(contentGraphId('a.b', 1));
      expect(contentGraphId('p1', 1)).not.toBe(contentGraphId('p1', 2));
    });
  });

  it('should read a world post, and publish its label, a normalised embedding, summary and version', async () => {
    const post = world.postList[10]!;
    const published: ContentRecord[] = [];
    const results = await runPlan(
      { postId: post.id, authorId: post.authorId, version: 3, eventType: 'update', eventId: 'e' },
      published,
    );
    expect(results.load).toMatchObject({ postId: post.id, text: post.text, source: 'world' });
    expect(results.publish).toEqual({ outcome: 'written', resultVersion: `v3/${MODEL_VERSION}` });
    expect(published).toHaveLength(1);
    const r = published[0]!;
    expect(r).toMatchObject({
      postId: post.id,
      authorId: post.authorId,
      postVersion: 3,
      modelVersion: MODEL_VERSION,
      embeddingDim: world.config.embeddingDim,
      classifiedAtMs: 1234,
      graphId: 'g',
      source: world.version,
    });
    expect(['safe', 'low_risk', 'medium_risk', 'unsafe']).toContain(r.safetyLabel);
    const v = decodeEmbedding(r.embedding);
    expect(v).toHaveLength(world.config.embeddingDim);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('should prefer content carried by the event', async () => {
    const published: ContentRecord[] = [];
    await runPlan(
      {
        postId: 'not-in-world',
        authorId: 'someone',
        version: 1,
        eventType: 'create',
        eventId: 'e',
        text: 'unpopular opinion: #politics',
        topic: 'politics',
      },
      published,
    );
    expect(published[0]).toMatchObject({
      safetyLabel: 'medium_risk',
      source: 'event',
      summary: 'unpopular opinion: #politics',
    });
  });

  it('should fail load permanently for a post the world does not know, or by another author', async () => {
    const plan = contentPlan({ source, store: { publish: () => Promise.resolve('written' as const) } });
    const load = plan.tasks[0]!.handler;
    const input = (postId: string, authorId: string) => ({
      graphId: 'g',
      taskId: 'load',
      attempt: 1,
      depResults: {},
      payload: { postId, authorId, version: 1, eventType: 'create' as const, eventId: 'e' },
      signal: new AbortController().signal,
    });
    await expect(load(input('nope', 'x'))).rejects.toBeInstanceOf(PermanentTaskError);
    await expect(load(input(world.postList[0]!.id, 'someone-else'))).rejects.toThrow(/author_mismatch/);
  });
});
