import { z } from 'zod';

/** Viewer ids are opaque strings: letters, digits, `_` and `-`, at most 64 characters. */
export const ViewerIdSchema = z
  .string({ error: 'viewer_id is required' })
  .min(1, 'viewer_id must not be empty')
  .max(64, 'viewer_id must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'viewer_id may only contain letters, digits, "_" and "-"');

export const MAX_FEED_LIMIT = 50;
export const DEFAULT_FEED_LIMIT = 20;

/** Query string of `GET /v1/feed/for-you` (and `/debug`). Unknown parameters are rejected. */
export const FeedQuerySchema = z
  .object({
    viewer_id: ViewerIdSchema,
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be an integer')
      .min(1, 'limit must be at least 1')
      .max(MAX_FEED_LIMIT, `limit must be at most ${MAX_FEED_LIMIT}`)
      .default(DEFAULT_FEED_LIMIT),
    /** Comma-separated post ids the client has already shown (x-algorithm seen_ids), at most 200. */
    seen_ids: z
      .string()
      .max(200 * 65, 'seen_ids is too long')
      .transform((s) => s.split(',').filter((id) => id.length > 0))
      .pipe(
        z
          .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'seen_ids must be comma-separated post ids'))
          .max(200, 'seen_ids may hold at most 200 ids'),
      )
      .default([]),
  })
  .strict();

export type FeedQuery = z.infer<typeof FeedQuerySchema>;

/**
 * A client-supplied `x-request-id`. Trusted only as a correlation id (never as an idempotency key):
 * 8–128 characters of `[A-Za-z0-9._:-]`. Anything else is rejected with 400.
 */
export const RequestIdSchema = z
  .string()
  .min(8, 'x-request-id must be at least 8 characters')
  .max(128, 'x-request-id must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'x-request-id may only contain letters, digits and . _ : -');
