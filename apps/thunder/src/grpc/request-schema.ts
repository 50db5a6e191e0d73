import type { GetInNetworkPostsRequest__Output } from '@foryou/contracts';
import { z } from 'zod';
import type { InNetworkRequest } from '../query/in-network-scan';

/** Hard input limits; beyond them the request is INVALID_ARGUMENT (never silently truncated). */
export const REQUEST_LIMITS = {
  authors: 10_000,
  excludes: 10_000,
  maxPerAuthor: 1000,
  maxResults: 1000,
} as const;

const Id = z.string().min(1, 'ids must not be empty').max(128, 'ids are at most 128 characters');

const RequestSchema = z.object({
  request_id: z.string().max(128),
  viewer_id: Id,
  author_ids: z.array(Id).max(REQUEST_LIMITS.authors),
  exclude_post_ids: z.array(Id).max(REQUEST_LIMITS.excludes),
  max_per_author: z
    .number()
    .int()
    .min(1, 'max_per_author must be at least 1')
    .max(REQUEST_LIMITS.maxPerAuthor),
  max_results: z.number().int().min(1, 'max_results must be at least 1').max(REQUEST_LIMITS.maxResults),
  not_before_ms: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export type ParsedRequest =
  | { readonly ok: true; readonly requestId: string; readonly request: InNetworkRequest }
  | { readonly ok: false; readonly message: string };

/**
 * Validates a decoded GetInNetworkPostsRequest. proto3 sends 0 for an unset number, so max_per_author
 * and max_results must be set explicitly. Repeated author ids are scanned once, in first-seen order.
 */
export function parseRequest(raw: GetInNetworkPostsRequest__Output): ParsedRequest {
  const parsed = RequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue?.path.join('.') ?? 'request'}: ${issue?.message ?? 'invalid'}` };
  }
  const r = parsed.data;
  return {
    ok: true,
    requestId: r.request_id,
    request: {
      viewerId: r.viewer_id,
      authorIds: [...new Set(r.author_ids)],
      excludePostIds: new Set(r.exclude_post_ids),
      maxPerAuthor: r.max_per_author,
      maxResults: r.max_results,
      notBeforeMs: r.not_before_ms,
    },
  };
}
