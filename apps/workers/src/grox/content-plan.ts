import { createHash } from 'node:crypto';
import {
  PermanentTaskError,
  type PlanDefinition,
  type TaskInput,
  type TaskOutcome,
} from '@foryou/task-graph';
import { z } from 'zod';
import {
  classify,
  CLASSIFIER_VERSION,
  contentHash,
  embed,
  EMBEDDING_METHOD,
  encodeEmbedding,
  MODEL_REVISION,
  MODEL_VERSION,
  summarize,
  SUMMARIZER_VERSION,
} from './content-models';
import type { ContentGraphPayload, ContentSource } from './content-source';
import { resultVersion, type ContentStore } from './content-store';

/**
 * The content-understanding plan (book §4.5): `load → summarize → (embed ∥ classify) → publish`.
 *
 * | task      | pool      | deadline | does                                                                 |
 * | --------- | --------- | -------- | -------------------------------------------------------------------- |
 * | load      | `network` | 2 s      | the post's text/topic/author from the event, else the world          |
 * | summarize | `network` | 5 s      | extractive summary + top terms (stand-in for a summarisation model)  |
 * | embed     | `cpu`     | 3 s      | hashed bag-of-words embedding (stand-in for an embedding model)      |
 * | classify  | `network` | 3 s      | rule-based safety label + confidence (stand-in for a classifier)     |
 * | publish   | `network` | 2 s      | versioned, idempotent write of `content:<postId>`                    |
 *
 * `embed` runs on its own `cpu` pool: its capacity is reserved, so a saturated network pool never
 * delays it (and it never takes a network slot). Besides the book's edges, tasks also depend on the
 * earlier tasks whose results they read (`embed`/`classify` on `load`, `publish` on all four):
 * handlers only receive their direct dependencies' results, and these edges are implied anyway, so
 * the schedule is the book's.
 */
export const CONTENT_PLAN = 'content';
export const GROX_POOLS = ['network', 'cpu'] as const;
export type GroxPool = (typeof GROX_POOLS)[number];

export const TASK_DEADLINES_MS = {
  load: 2000,
  summarize: 5000,
  embed: 3000,
  classify: 3000,
  publish: 2000,
} as const;

/** Graph ids are `[A-Za-z0-9_-]{1,64}` (task-graph): post ids that are not are hashed. */
const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/**
 * One graph per (post, version, model revision): `cu<rev>-v<version>-p-<postId>`, or
 * `cu<rev>-v<version>-h-<sha256(postId)[0..32]>` when the post id has other characters or the id
 * would exceed 64 characters. Deterministic, so a redelivered event resubmits the same id (which the
 * executor treats as a no-op), and a new model revision re-processes every post under new ids.
 */
export function contentGraphId(postId: string, version: number, modelRevision = MODEL_REVISION): string {
  const head = `cu${modelRevision}-v${version}`;
  const raw = `${head}-p-${postId}`;
  if (SAFE_ID.test(postId) && raw.length <= 64) {
    return raw;
  }
  return `${head}-h-${createHash('sha256').update(postId).digest('hex').slice(0, 32)}`;
}

const Loaded = z.object({
  postId: z.string(),
  authorId: z.string(),
  text: z.string(),
  topic: z.string(),
  source: z.enum(['event', 'world']),
  contentHash: z.string(),
});
const Summarized = z.object({ summary: z.string(), terms: z.array(z.string()) });
const Embedded = z.object({ embedding: z.string(), dim: z.number().int().positive(), method: z.string() });
const Classified = z.object({
  label: z.enum(['safe', 'low_risk', 'medium_risk', 'unsafe']),
  confidence: z.number(),
  rule: z.string(),
  classifiedAtMs: z.number(),
});

export type LoadTaskResult = z.infer<typeof Loaded>;
export type SummarizeTaskResult = z.infer<typeof Summarized>;
export type EmbedTaskResult = z.infer<typeof Embedded>;
export type ClassifyTaskResult = z.infer<typeof Classified>;

/** A dependency's result, checked (results are JSON round-tripped through Redis). */
function dep<T>(input: TaskInput<ContentGraphPayload>, id: string, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(input.depResults[id]);
  if (!parsed.success) {
    throw new PermanentTaskError(`result of '${id}' is malformed: ${parsed.error.message}`);
  }
  return parsed.data;
}

const succeeded = (result: unknown, version: string): TaskOutcome => ({
  status: 'succeeded',
  result,
  resultVersion: version,
});

/** Runs `fn` so that a synchronous throw becomes a rejection (a failed attempt). */
const handler =
  (fn: (input: TaskInput<ContentGraphPayload>) => TaskOutcome | Promise<TaskOutcome>) =>
  (input: TaskInput<ContentGraphPayload>): Promise<TaskOutcome> =>
    Promise.resolve().then(() => fn(input));

export interface ContentPlanDeps {
  readonly source: ContentSource;
  readonly store: Pick<ContentStore, 'publish'>;
  /** Clock for `classified_at` (default Date.now). */
  readonly now?: () => number;
}

export function contentPlan(deps: ContentPlanDeps): PlanDefinition<ContentGraphPayload> {
  const now = deps.now ?? Date.now;
  const load = handler(({ payload }) => {
    const found = deps.source.load(payload);
    if (!found.ok) {
      // Retrying cannot help: the workers and the publisher disagree about the world.
      throw new PermanentTaskError(`${found.reason}: post '${payload.postId}' in ${deps.source.version}`);
    }
    const result: LoadTaskResult = { ...found.post, contentHash: contentHash(found.post) };
    return succeeded(result, found.post.source === 'world' ? deps.source.version : 'event');
  });
  const summarizeTask = handler((input) => {
    const post = dep(input, 'load', Loaded);
    const { summary, terms } = summarize(post);
    const result: SummarizeTaskResult = { summary, terms: [...terms] };
    return succeeded(result, SUMMARIZER_VERSION);
  });
  const embedTask = handler((input) => {
    const post = dep(input, 'load', Loaded);
    const summary = dep(input, 'summarize', Summarized);
    const vector = embed(post, summary, deps.source.embeddingDim);
    const result: EmbedTaskResult = {
      embedding: encodeEmbedding(vector),
      dim: vector.length,
      method: EMBEDDING_METHOD,
    };
    return succeeded(result, EMBEDDING_METHOD);
  });
  const classifyTask = handler((input) => {
    const post = dep(input, 'load', Loaded);
    const result: ClassifyTaskResult = { ...classify(post), classifiedAtMs: now() };
    return succeeded(result, CLASSIFIER_VERSION);
  });
  const publish = handler(async (input) => {
    const post = dep(input, 'load', Loaded);
    const summary = dep(input, 'summarize', Summarized);
    const embedding = dep(input, 'embed', Embedded);
    const verdict = dep(input, 'classify', Classified);
    const version = resultVersion(input.payload.version, MODEL_VERSION);
    const outcome = await deps.store.publish({
      postId: post.postId,
      authorId: post.authorId,
      postVersion: input.payload.version,
      modelRevision: MODEL_REVISION,
      modelVersion: MODEL_VERSION,
      safetyLabel: verdict.label,
      safetyConfidence: verdict.confidence,
      safetyRule: verdict.rule,
      embedding: embedding.embedding,
      embeddingDim: embedding.dim,
      embeddingMethod: embedding.method,
      summary: summary.summary,
      terms: summary.terms,
      contentHash: post.contentHash,
      classifiedAtMs: verdict.classifiedAtMs,
      graphId: input.graphId,
      source: post.source === 'world' ? deps.source.version : 'event',
    });
    return succeeded({ outcome, resultVersion: version }, version);
  });
  return {
    name: CONTENT_PLAN,
    tasks: [
      { id: 'load', deps: [], pool: 'network', deadlineMs: TASK_DEADLINES_MS.load, handler: load },
      {
        id: 'summarize',
        deps: ['load'],
        pool: 'network',
        deadlineMs: TASK_DEADLINES_MS.summarize,
        handler: summarizeTask,
      },
      {
        id: 'embed',
        deps: ['load', 'summarize'],
        pool: 'cpu',
        deadlineMs: TASK_DEADLINES_MS.embed,
        handler: embedTask,
      },
      {
        id: 'classify',
        deps: ['load', 'summarize'],
        pool: 'network',
        deadlineMs: TASK_DEADLINES_MS.classify,
        handler: classifyTask,
      },
      {
        id: 'publish',
        deps: ['load', 'summarize', 'embed', 'classify'],
        pool: 'network',
        deadlineMs: TASK_DEADLINES_MS.publish,
        handler: publish,
      },
    ],
  };
}
