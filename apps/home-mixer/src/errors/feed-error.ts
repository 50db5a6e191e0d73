/** The error taxonomy of home-mixer's API. One exception filter maps codes to HTTP statuses. */
export type FeedErrorCode = 'invalid_argument' | 'not_found' | 'unavailable' | 'internal';

export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

export class FeedError extends Error {
  override readonly name = 'FeedError';

  constructor(
    readonly code: FeedErrorCode,
    message: string,
    readonly details: readonly FieldProblem[] = [],
    readonly requestId: string | null = null,
  ) {
    super(message);
  }
}

export function httpStatusOf(code: FeedErrorCode): number {
  switch (code) {
    case 'invalid_argument':
      return 400;
    case 'not_found':
      return 404;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
