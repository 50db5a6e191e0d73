import {
  ok,
  sourced,
  type ComponentContext,
  type PipelineDefinition,
  type PipelineRunner,
  type Result,
  type Source,
  type SourceOutput,
} from '@foryou/candidate-pipeline';
import type { ForYouQuery } from '../../query/for-you-query';
import type { FeedCandidate } from '../candidate/post-candidate';

/**
 * Runs the scored-posts pipeline with the outer query (x-algorithm ScoredPostsSource) under this
 * component's deadline and signal; its record is nested in the outer ledger.
 */
export class ScoredPostsSource implements Source<ForYouQuery, FeedCandidate> {
  readonly name = 'ScoredPostsSource';

  constructor(
    private readonly _runner: PipelineRunner,
    private readonly _inner: PipelineDefinition<ForYouQuery, FeedCandidate>,
  ) {}

  async fetch(query: ForYouQuery, ctx: ComponentContext): Promise<Result<SourceOutput<FeedCandidate>>> {
    const result = await this._runner.run(this._inner, query, {
      deadline: ctx.deadline,
      signal: ctx.signal,
      reserveMs: query.params.values.reserveMs,
    });
    return ok({
      candidates: result.selected.map((c) => sourced(c, c.score)),
      nested: result.record,
    });
  }
}
