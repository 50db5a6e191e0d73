import { ok, type Result } from '@foryou/candidate-pipeline';
import type { ActionHistory } from '@foryou/world';
import type { UserAction } from '../query/for-you-query';
import type { CallContext } from './call-context';

/** The viewer's recent engagements (x-algorithm's user action sequence store). */
export interface ActionHistoryClient {
  /** At most `limit` positive engagements before `beforeMs` (content frame), newest first. */
  recent(
    viewerId: string,
    limit: number,
    beforeMs: number,
    call: CallContext,
  ): Promise<Result<readonly UserAction[]>>;
}

/** Reads the world's engagement log (the same log Phoenix trains on: `actionHistory` in @foryou/world). */
export class WorldActionHistoryClient implements ActionHistoryClient {
  constructor(private readonly _history: ActionHistory) {}

  recent(viewerId: string, limit: number, beforeMs: number): Promise<Result<readonly UserAction[]>> {
    return Promise.resolve(ok(this._history.recent(viewerId, limit, beforeMs)));
  }
}
