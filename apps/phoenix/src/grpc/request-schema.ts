import type { RankRequest__Output, RetrieveRequest__Output } from '@foryou/contracts';
import type { SequenceAction } from '@foryou/phoenix-model';
import { z } from 'zod';
import { RANK_LIMITS } from '../ranking/ranking.service';
import type { RankQuery } from '../ranking/ranking.service';
import { RETRIEVE_LIMITS, type RetrieveQuery } from '../retrieval/retrieval.service';

const Id = z.string().max(128, 'ids are at most 128 characters');
const NonEmptyId = Id.min(1, 'ids must not be empty');

const Action = z.object({
  post_id: Id,
  action: z.string().max(32),
  at_ms: z.number().finite(),
});

const RetrieveSchema = z.object({
  request_id: z.string().max(128),
  viewer_id: Id,
  action_sequence: z.array(Action).max(RETRIEVE_LIMITS.maxSequence),
  k: z
    .number()
    .int()
    .min(1, 'k must be at least 1')
    .max(RETRIEVE_LIMITS.maxK, `k must be at most ${RETRIEVE_LIMITS.maxK}`),
  not_before_ms: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  exclude_author_ids: z.array(Id).max(RETRIEVE_LIMITS.maxExcludedAuthors),
  exact: z.boolean(),
});

const RankSchema = z.object({
  request_id: z.string().max(128),
  viewer_id: Id,
  action_sequence: z.array(Action).max(RANK_LIMITS.maxSequence),
  candidates: z
    .array(z.object({ post_id: NonEmptyId, author_id: Id, in_network: z.boolean() }))
    .max(RANK_LIMITS.maxCandidates, `at most ${RANK_LIMITS.maxCandidates} candidates`),
});

export type Parsed<T> =
  | { readonly ok: true; readonly requestId: string; readonly viewerId: string; readonly query: T }
  | { readonly ok: false; readonly message: string };

function failure(error: z.ZodError): { ok: false; message: string } {
  const issue = error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') ?? 'request'}: ${issue?.message ?? 'invalid'}` };
}

function sequence(raw: readonly { post_id: string; action: string; at_ms: number }[]): SequenceAction[] {
  return raw.map((a) => ({ postId: a.post_id, action: a.action, atMs: a.at_ms }));
}

/** Validates a decoded RetrieveRequest. proto3 sends 0 for an unset k, so k must be set explicitly. */
export function parseRetrieve(raw: RetrieveRequest__Output): Parsed<RetrieveQuery> {
  const parsed = RetrieveSchema.safeParse(raw);
  if (!parsed.success) {
    return failure(parsed.error);
  }
  const r = parsed.data;
  return {
    ok: true,
    requestId: r.request_id,
    viewerId: r.viewer_id,
    query: {
      viewerId: r.viewer_id,
      sequence: sequence(r.action_sequence),
      k: r.k,
      notBeforeMs: r.not_before_ms,
      excludeAuthorIds: r.exclude_author_ids,
      exact: r.exact,
    },
  };
}

/** Validates a decoded RankRequest. `author_id` is informational: the corpus is the source of truth. */
export function parseRank(raw: RankRequest__Output): Parsed<RankQuery> {
  const parsed = RankSchema.safeParse(raw);
  if (!parsed.success) {
    return failure(parsed.error);
  }
  const r = parsed.data;
  return {
    ok: true,
    requestId: r.request_id,
    viewerId: r.viewer_id,
    query: {
      sequence: sequence(r.action_sequence),
      candidates: r.candidates.map((c) => ({ postId: c.post_id, inNetwork: c.in_network })),
    },
  };
}
