import type {
  RetrievalHandlers,
  RetrievalStatus,
  RetrieveRequest__Output,
  RetrieveResponse,
} from '@foryou/contracts';
import { Attr } from '@foryou/telemetry';
import { PhoenixError } from '../errors/phoenix-error';
import type { RetrievalService } from '../retrieval/retrieval.service';
import { PhoenixAttr } from '../telemetry/attributes';
import type { PhoenixMetrics, RetrievalStatusLabel } from '../telemetry/metrics';
import { parseRetrieve } from './request-schema';
import { type ServeDeps, serveUnary } from './serve-unary';

const WIRE_STATUS: Record<RetrievalStatusLabel, RetrievalStatus> = {
  complete: 'RETRIEVAL_STATUS_COMPLETE',
  partial: 'RETRIEVAL_STATUS_PARTIAL',
  no_personalisation: 'RETRIEVAL_STATUS_NO_PERSONALISATION',
};

/** `foryou.phoenix.v1.Retrieval/Retrieve` (see RetrievalService for the semantics). */
export function retrieveHandler(
  d: ServeDeps & { readonly service: RetrievalService; readonly observe: Pick<PhoenixMetrics, 'retrieval'> },
): RetrievalHandlers['Retrieve'] {
  return serveUnary<RetrieveRequest__Output, RetrieveResponse>(
    'retrieve',
    'phoenix/Retrieve',
    d,
    async (request, budget, span) => {
      const parsed = parseRetrieve(request);
      if (!parsed.ok) {
        throw new PhoenixError('invalid_argument', parsed.message);
      }
      const { query } = parsed;
      span.setAttributes({
        [Attr.requestId]: parsed.requestId,
        [Attr.viewerId]: parsed.viewerId,
        [PhoenixAttr.k]: query.k,
        [PhoenixAttr.sequenceLength]: query.sequence.length,
      });
      const result = await d.service.retrieve(query, budget);
      d.observe.retrieval(result.status, result.index, result.posts.length);
      span.setAttributes({
        [PhoenixAttr.index]: result.index,
        [PhoenixAttr.retrievalStatus]: result.status,
        [PhoenixAttr.postsReturned]: result.posts.length,
        [PhoenixAttr.modelVersion]: result.modelVersion,
        [PhoenixAttr.corpusVersion]: result.corpusVersion,
      });
      return {
        status: WIRE_STATUS[result.status],
        posts: result.posts.map((p) => ({ post_id: p.postId, similarity: p.similarity })),
        model_version: result.modelVersion,
        corpus_version: result.corpusVersion,
        index: result.index,
      };
    },
  );
}
