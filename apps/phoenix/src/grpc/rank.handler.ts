import type { RankingHandlers, RankRequest__Output, RankResponse } from '@foryou/contracts';
import { Attr } from '@foryou/telemetry';
import { PhoenixError } from '../errors/phoenix-error';
import type { RankingService } from '../ranking/ranking.service';
import { PhoenixAttr } from '../telemetry/attributes';
import type { PhoenixMetrics } from '../telemetry/metrics';
import { parseRank } from './request-schema';
import { type ServeDeps, serveUnary } from './serve-unary';

/**
 * `foryou.phoenix.v1.Ranking/Rank`: one CandidatePrediction per requested candidate, in request order.
 * Every action is always in the map; a candidate the model cannot score carries NaN for every action
 * (NaN is a valid proto3 double), never a default and never an omission.
 */
export function rankHandler(
  d: ServeDeps & { readonly service: RankingService; readonly observe: Pick<PhoenixMetrics, 'ranked'> },
): RankingHandlers['Rank'] {
  return serveUnary<RankRequest__Output, RankResponse>(
    'rank',
    'phoenix/Rank',
    d,
    async (request, budget, span) => {
      const parsed = parseRank(request);
      if (!parsed.ok) {
        throw new PhoenixError('invalid_argument', parsed.message);
      }
      const { query } = parsed;
      span.setAttributes({
        [Attr.requestId]: parsed.requestId,
        [Attr.viewerId]: parsed.viewerId,
        [PhoenixAttr.candidates]: query.candidates.length,
        [PhoenixAttr.sequenceLength]: query.sequence.length,
      });
      const result = await d.service.rank(query, budget);
      d.observe.ranked(query.candidates.length, result.unscored);
      span.setAttributes({
        [PhoenixAttr.unscored]: result.unscored,
        [PhoenixAttr.modelVersion]: result.modelVersion,
      });
      return {
        predictions: result.predictions.map((actions, i) => ({
          post_id: query.candidates[i]!.postId,
          actions: { ...actions },
        })),
        model_version: result.modelVersion,
      };
    },
  );
}
