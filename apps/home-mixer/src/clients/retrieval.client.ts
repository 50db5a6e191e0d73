import type { Result } from '@foryou/candidate-pipeline';
import type { UserAction } from '../query/for-you-query';
import type { CallContext } from './call-context';

export interface RetrievedPost {
  readonly postId: string;
  readonly similarity: number;
}

export interface RetrievalRequest {
  readonly viewerId: string;
  readonly actionSequence: readonly UserAction[];
  readonly k: number;
  /** Content-frame ms; older posts are not wanted. */
  readonly notBeforeMs: number;
  readonly excludeAuthorIds: ReadonlySet<string>;
  readonly call: CallContext;
}

export interface RetrievalResponse {
  /** complete; partial (the index could not be fully searched in time); no_personalisation (zero user vector). */
  readonly status: 'complete' | 'partial' | 'no_personalisation';
  readonly posts: readonly RetrievedPost[];
  readonly modelVersion: string;
  readonly corpusVersion: string;
}

/** The Phoenix retrieval role: out-of-network posts nearest to the viewer's user vector. */
export interface RetrievalClient {
  retrieve(request: RetrievalRequest): Promise<Result<RetrievalResponse>>;
}
