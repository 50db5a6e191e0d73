import type { Filter, FilterOutput, Result } from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';
import { partition } from './partition';

/** The served type of RecentEngagedAuthorsSource's candidates. */
const GATED: FeedCandidate['servedType'] = 'recent_engaged_author';

/**
 * Decides whether RecentEngagedAuthorsSource's candidates are used. Runs FIRST among the filters, so it
 * sees every sourced candidate: when retrieval supplied at least `oonSupplyBelow` out-of-network
 * candidates (before any filtering — the same count the experiment trigger uses) they are all dropped;
 * otherwise at most `floor(ratio × scoredPostsSize)` of them go on (in the source's newest-first
 * order), so the source can take at most `ratio` of the scored posts. Other candidates pass untouched.
 */
export class RecentEngagedAuthorsGateFilter implements Filter<ForYouQuery, FeedCandidate> {
  readonly name = 'RecentEngagedAuthorsGateFilter';

  enabled(query: ForYouQuery): boolean {
    return query.params.values.recentEngagedAuthors.enabled;
  }

  filter(
    query: ForYouQuery,
    candidates: readonly FeedCandidate[],
  ): Promise<Result<FilterOutput<FeedCandidate>>> {
    const p = query.params.values;
    const oonSupply = candidates.filter((c) => c.servedType === 'oon_retrieval').length;
    const supplyShort = oonSupply < p.recentEngagedAuthors.oonSupplyBelow;
    const cap = Math.floor(p.recentEngagedAuthors.ratio * p.scoredPostsSize);
    let kept = 0;
    return Promise.resolve(
      partition(candidates, (c) => {
        if (c.servedType !== GATED) {
          return null;
        }
        if (!supplyShort) {
          return { reason: 'oon_supply_sufficient', detail: `${oonSupply} out-of-network candidates` };
        }
        if (kept >= cap) {
          return {
            reason: 'source_share_cap',
            detail: `at most ${cap} (ratio ${p.recentEngagedAuthors.ratio})`,
          };
        }
        kept += 1;
        return null;
      }),
    );
  }
}
