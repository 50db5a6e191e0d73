import { Inject, Injectable } from '@nestjs/common';
import { Deadline, UNKNOWN, type Clock } from '@foryou/candidate-pipeline';
import { FeedQuerySchema } from '@foryou/contracts';
import { USER_STORE_CLIENT, type UserStoreClient } from '../clients/user-store.client';
import { FeedError } from '../errors/feed-error';
import { Experiments } from '../experiments/experiments';
import { ParamsStore } from '../params/params-store';
import { CLOCK, VERSION_INFO } from '../tokens';
import { FeedClock } from '../world/feed-clock';
import type { ForYouQuery } from './for-you-query';
import { requestIdFromHeader } from './request-id';
import type { VersionInfo } from './version-info';

export interface RawFeedRequest {
  readonly query: unknown;
  readonly requestIdHeader: string | string[] | undefined;
  readonly debug: boolean;
}

export interface BuiltRequest {
  readonly query: ForYouQuery;
  readonly deadline: Deadline;
}

/**
 * The only place a request becomes a ForYouQuery: validates input, fixes the request id, assigns the
 * viewer's experiments, snapshots params with the variants' overrides applied (frozen for the whole
 * request, so it never mixes arms), stamps the version vector and starts the deadline on the monotonic
 * clock. Everything after it reads the query, never global state.
 */
@Injectable()
export class QueryBuilder {
  constructor(
    private readonly _params: ParamsStore,
    @Inject(USER_STORE_CLIENT) private readonly _users: UserStoreClient,
    @Inject(VERSION_INFO) private readonly _versions: VersionInfo,
    @Inject(CLOCK) private readonly _clock: Clock,
    private readonly _feedClock: FeedClock,
    private readonly _experiments: Experiments,
  ) {}

  /** Resolves the request id first so that even a 400 can echo it. */
  requestId(header: string | string[] | undefined): string {
    return requestIdFromHeader(header);
  }

  build(raw: RawFeedRequest, requestId: string): BuiltRequest {
    const parsed = FeedQuerySchema.safeParse(raw.query ?? {});
    if (!parsed.success) {
      throw new FeedError(
        'invalid_argument',
        'invalid feed request',
        parsed.error.issues.map((i) => ({
          field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : 'query'),
          reason: i.message,
        })),
        requestId,
      );
    }
    const viewerId = parsed.data.viewer_id;
    const viewerKnown = this._users.exists(viewerId);
    const contentTimeMs = this._feedClock.contentNow();
    // The experiments are assigned before the deadline starts: a variant may change the budget.
    const assigned = this._experiments.assign(viewerId, {
      nowMs: contentTimeMs,
      viewerKnown,
      accountCreatedAtMs: this._users.createdAtMs(viewerId),
      surface: 'for_you',
    });
    const params = this._params.withOverrides(this._params.snapshot(), assigned.params);
    const deadline = Deadline.after(this._clock, params.values.requestBudgetMs);
    const query: ForYouQuery = Object.freeze({
      requestId,
      viewerId,
      surface: 'for_you',
      limit: parsed.data.limit,
      requestTimeMs: this._feedClock.wallNow(),
      contentTimeMs,
      params,
      experiments: assigned.experiments,
      versionVector: {
        ...this._versions,
        params: params.version,
        ...(assigned.label === undefined ? {} : { experiments: assigned.label }),
      },
      viewerKnown,
      debug: raw.debug,
      seenIds: new Set(parsed.data.seen_ids),
      actionSequence: UNKNOWN,
      recentEngagedAuthors: UNKNOWN,
      followedIds: UNKNOWN,
      blockedIds: UNKNOWN,
      mutedIds: UNKNOWN,
      servedHistory: UNKNOWN,
      cachedPosts: UNKNOWN,
    });
    return { query, deadline };
  }
}
