import { z } from 'zod';

export const ServedTypeSchema = z.enum([
  'in_network',
  'oon_retrieval',
  'cached',
  'recent_engaged_author',
  'ad',
  'who_to_follow',
]);
export type ServedType = z.infer<typeof ServedTypeSchema>;

export const FeedItemSchema = z.object({
  id: z.string(),
  type: z.enum(['post', 'ad', 'who_to_follow']),
  author_id: z.string().nullable(),
  position: z.number().int().nonnegative(),
  served_type: ServedTypeSchema,
  score: z.number().nullable(),
  /** Suggested accounts (who_to_follow items only). */
  users: z.array(z.string()).optional(),
});
export type FeedItem = z.infer<typeof FeedItemSchema>;

export const DegradedComponentSchema = z.object({
  pipeline: z.string(),
  stage: z.string(),
  component: z.string(),
  status: z.enum(['partial', 'error', 'timeout', 'cancelled', 'disabled']),
  policy: z.enum(['fail_open', 'fail_closed']),
  error_kind: z.string().nullable(),
  reason: z.string(),
});

export const DegradationSchema = z.object({
  /** True when a component failed, timed out or was cancelled (disabled components alone do not count). */
  degraded: z.boolean(),
  components: z.array(DegradedComponentSchema),
});
export type Degradation = z.infer<typeof DegradationSchema>;

export const VersionVectorSchema = z.object({
  code: z.string(),
  schema: z.string(),
  params: z.string(),
  model: z.string(),
  corpus: z.string(),
  cache_key: z.string(),
  /** `key=variant` of every experiment the request was in (analysis population), `;`-separated. */
  experiments: z.string().optional(),
});
export type VersionVector = z.infer<typeof VersionVectorSchema>;

export const FeedCountsSchema = z.object({
  retrieved: z.number().int().nonnegative(),
  filtered: z.number().int().nonnegative(),
  not_selected: z.number().int().nonnegative(),
  returned: z.number().int().nonnegative(),
  posts: z.number().int().nonnegative(),
  ads: z.number().int().nonnegative(),
});

export const FeedResponseSchema = z.object({
  request_id: z.string(),
  viewer_id: z.string(),
  surface: z.literal('for_you'),
  items: z.array(FeedItemSchema),
  /** Why the feed is short or empty (unknown viewer, everything filtered), when it is. */
  explanation: z.string().nullable(),
  degradation: DegradationSchema,
  counts: FeedCountsSchema,
  version_vector: VersionVectorSchema,
});
export type FeedResponse = z.infer<typeof FeedResponseSchema>;

export const ErrorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), reason: z.string() })),
  }),
  request_id: z.string().nullable(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;
