import { z } from 'zod';

/**
 * The part of home-mixer's `GET /v1/feed/for-you` response that traffic drivers rely on. Permissive on
 * purpose: unknown fields pass, so the CLI does not break when the contract grows (the full schema
 * lives in @foryou/contracts).
 */
export const FeedResponseShape = z.object({
  /** Echoed by home-mixer; engagement events name it (absent: no engagement is simulated). */
  request_id: z.string().optional(),
  items: z.array(z.object({ id: z.string() })),
});
export type FeedResponseShape = z.infer<typeof FeedResponseShape>;
