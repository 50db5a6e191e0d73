import type { AssignmentRecord, ExposureEvent } from '@foryou/experiments';
import {
  experimentExposuresWork,
  toAssignmentSinkRow,
  toExposureSinkRow,
  type DurableWork,
  type ExposureSink,
} from '@foryou/feed-state';
import type { ForYouQuery } from '../../query/for-you-query';
import type { DurableSideEffect, FeedSideEffectInput } from './durable-side-effect';

/**
 * Records one request's experiment exposures and its viewer's assignments (book 6.7: exposure is logged
 * where the treatment could act, bound to the request id and version vector). Built per request by the
 * experiments module, after the pipeline ran, because the trigger reads what every arm's sources did.
 * Durable form: the `experiment-exposures.record` job, applied by the workers into Postgres, where the
 * exposure id (`<request id>:<experiment>`) and (experiment, unit) keys deduplicate durably.
 * In-process (tests, tools): written to `sink` when one is given, otherwise dropped.
 */
export class RecordExperimentExposuresSideEffect implements DurableSideEffect {
  readonly name = 'RecordExperimentExposures';

  constructor(
    readonly exposures: readonly ExposureEvent[],
    private readonly _assignments: readonly AssignmentRecord[],
    private readonly _sink?: ExposureSink,
  ) {}

  enabled(query: ForYouQuery): boolean {
    return !query.debug;
  }

  work(input: FeedSideEffectInput): DurableWork {
    return experimentExposuresWork(input.query.requestId, this.exposures, this._assignments);
  }

  async run(): Promise<void> {
    if (this._sink) {
      await this._sink.recordAssignments(this._assignments.map(toAssignmentSinkRow));
      await this._sink.recordExposures(this.exposures.map(toExposureSinkRow));
    }
  }
}
