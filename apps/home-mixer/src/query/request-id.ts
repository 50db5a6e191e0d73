import { randomUUID } from 'node:crypto';
import { RequestIdSchema } from '@foryou/contracts';
import { FeedError } from '../errors/feed-error';

/**
 * The request id of an API call: the `x-request-id` header when valid, a new UUID when absent. An invalid
 * header is the caller's error: FeedError(`invalid_argument`) naming the header (a 400 that cannot echo
 * the id it rejected).
 */
export function requestIdFromHeader(header: string | string[] | undefined): string {
  if (header === undefined) {
    return randomUUID();
  }
  const parsed = RequestIdSchema.safeParse(Array.isArray(header) ? header.join(',') : header);
  if (!parsed.success) {
    throw new FeedError('invalid_argument', 'invalid x-request-id header', [
      { field: 'x-request-id', reason: parsed.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return parsed.data;
}
