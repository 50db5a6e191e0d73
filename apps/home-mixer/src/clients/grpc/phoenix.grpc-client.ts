import * as grpc from '@grpc/grpc-js';
import { fail, ok, type Result } from '@foryou/candidate-pipeline';
import {
  loadPhoenixProto,
  type PhoenixRankingGrpcClient,
  type PhoenixRetrievalGrpcClient,
  type RankRequest,
  type RankResponse__Output,
  type RetrieveRequest,
  type RetrieveResponse__Output,
  type UserAction as WireUserAction,
} from '@foryou/contracts';
import { ACTIONS, type Action } from '@foryou/world';
import type { UserAction } from '../../query/for-you-query';
import type { RankingClient, RankingRequest, RankingResponse } from '../ranking.client';
import type { RetrievalClient, RetrievalRequest, RetrievalResponse } from '../retrieval.client';
import { CHANNEL_OPTIONS, unaryCall } from './grpc-call';

const STATUS: Readonly<Record<string, RetrievalResponse['status']>> = {
  RETRIEVAL_STATUS_COMPLETE: 'complete',
  RETRIEVAL_STATUS_PARTIAL: 'partial',
  RETRIEVAL_STATUS_NO_PERSONALISATION: 'no_personalisation',
};

const toWire = (sequence: readonly UserAction[]): WireUserAction[] =>
  sequence.map((a) => ({ post_id: a.postId, action: a.action, at_ms: a.atMs }));

/** Phoenix retrieval and ranking over gRPC (`foryou.phoenix.v1.Retrieval` / `Ranking`), one channel. */
export class PhoenixGrpcClient implements RetrievalClient, RankingClient {
  private readonly _retrieval: PhoenixRetrievalGrpcClient;
  private readonly _ranking: PhoenixRankingGrpcClient;

  constructor(address: string) {
    const proto = loadPhoenixProto().foryou.phoenix.v1;
    this._retrieval = new proto.Retrieval(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    this._ranking = new proto.Ranking(address, grpc.credentials.createInsecure(), {
      ...CHANNEL_OPTIONS,
      channelOverride: this._retrieval.getChannel(),
    });
  }

  async retrieve(request: RetrievalRequest): Promise<Result<RetrievalResponse>> {
    const result = await unaryCall(
      (req: RetrieveRequest, md, opts, cb: grpc.requestCallback<RetrieveResponse__Output>) =>
        this._retrieval.Retrieve(req, md, opts, cb),
      {
        request_id: request.call.requestId,
        viewer_id: request.viewerId,
        action_sequence: toWire(request.actionSequence),
        k: request.k,
        not_before_ms: request.notBeforeMs,
        exclude_author_ids: [...request.excludeAuthorIds],
      },
      request.call,
    );
    if (!result.ok) {
      return result;
    }
    const r = result.value;
    const status = STATUS[r.status];
    if (!status) {
      return fail('invalid_response', `unknown retrieval status ${r.status}`);
    }
    return ok({
      status,
      posts: r.posts.map((p) => ({ postId: p.post_id, similarity: p.similarity })),
      modelVersion: r.model_version,
      corpusVersion: r.corpus_version,
    });
  }

  async predict(request: RankingRequest): Promise<Result<RankingResponse>> {
    const result = await unaryCall(
      (req: RankRequest, md, opts, cb: grpc.requestCallback<RankResponse__Output>) =>
        this._ranking.Rank(req, md, opts, cb),
      {
        request_id: request.call.requestId,
        viewer_id: request.viewerId,
        action_sequence: toWire(request.actionSequence),
        candidates: request.candidates.map((c) => ({
          post_id: c.postId,
          author_id: c.authorId ?? '',
          in_network: c.inNetwork,
        })),
      },
      request.call,
    );
    if (!result.ok) {
      return result;
    }
    const predictions = new Map<string, Partial<Record<Action, number>>>();
    for (const p of result.value.predictions) {
      const row: Partial<Record<Action, number>> = {};
      for (const action of ACTIONS) {
        const v = p.actions[action];
        if (v !== undefined) {
          row[action] = v;
        }
      }
      predictions.set(p.post_id, row);
    }
    return ok({ modelVersion: result.value.model_version, predictions });
  }

  /** Connectivity for readiness reports (informational: Phoenix is a fail-open dependency). */
  state(): string {
    return grpc.connectivityState[this._retrieval.getChannel().getConnectivityState(true)] ?? 'UNKNOWN';
  }

  close(): void {
    this._ranking.close();
    this._retrieval.close();
  }
}
