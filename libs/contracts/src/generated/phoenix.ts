import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CandidatePrediction as _foryou_phoenix_v1_CandidatePrediction, CandidatePrediction__Output as _foryou_phoenix_v1_CandidatePrediction__Output } from './foryou/phoenix/v1/CandidatePrediction';
import type { RankCandidate as _foryou_phoenix_v1_RankCandidate, RankCandidate__Output as _foryou_phoenix_v1_RankCandidate__Output } from './foryou/phoenix/v1/RankCandidate';
import type { RankRequest as _foryou_phoenix_v1_RankRequest, RankRequest__Output as _foryou_phoenix_v1_RankRequest__Output } from './foryou/phoenix/v1/RankRequest';
import type { RankResponse as _foryou_phoenix_v1_RankResponse, RankResponse__Output as _foryou_phoenix_v1_RankResponse__Output } from './foryou/phoenix/v1/RankResponse';
import type { RankingClient as _foryou_phoenix_v1_RankingClient, RankingDefinition as _foryou_phoenix_v1_RankingDefinition } from './foryou/phoenix/v1/Ranking';
import type { RetrievalClient as _foryou_phoenix_v1_RetrievalClient, RetrievalDefinition as _foryou_phoenix_v1_RetrievalDefinition } from './foryou/phoenix/v1/Retrieval';
import type { RetrieveRequest as _foryou_phoenix_v1_RetrieveRequest, RetrieveRequest__Output as _foryou_phoenix_v1_RetrieveRequest__Output } from './foryou/phoenix/v1/RetrieveRequest';
import type { RetrieveResponse as _foryou_phoenix_v1_RetrieveResponse, RetrieveResponse__Output as _foryou_phoenix_v1_RetrieveResponse__Output } from './foryou/phoenix/v1/RetrieveResponse';
import type { RetrievedPost as _foryou_phoenix_v1_RetrievedPost, RetrievedPost__Output as _foryou_phoenix_v1_RetrievedPost__Output } from './foryou/phoenix/v1/RetrievedPost';
import type { UserAction as _foryou_phoenix_v1_UserAction, UserAction__Output as _foryou_phoenix_v1_UserAction__Output } from './foryou/phoenix/v1/UserAction';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  foryou: {
    phoenix: {
      v1: {
        CandidatePrediction: MessageTypeDefinition<_foryou_phoenix_v1_CandidatePrediction, _foryou_phoenix_v1_CandidatePrediction__Output>
        RankCandidate: MessageTypeDefinition<_foryou_phoenix_v1_RankCandidate, _foryou_phoenix_v1_RankCandidate__Output>
        RankRequest: MessageTypeDefinition<_foryou_phoenix_v1_RankRequest, _foryou_phoenix_v1_RankRequest__Output>
        RankResponse: MessageTypeDefinition<_foryou_phoenix_v1_RankResponse, _foryou_phoenix_v1_RankResponse__Output>
        Ranking: SubtypeConstructor<typeof grpc.Client, _foryou_phoenix_v1_RankingClient> & { service: _foryou_phoenix_v1_RankingDefinition }
        Retrieval: SubtypeConstructor<typeof grpc.Client, _foryou_phoenix_v1_RetrievalClient> & { service: _foryou_phoenix_v1_RetrievalDefinition }
        RetrievalStatus: EnumTypeDefinition
        RetrieveRequest: MessageTypeDefinition<_foryou_phoenix_v1_RetrieveRequest, _foryou_phoenix_v1_RetrieveRequest__Output>
        RetrieveResponse: MessageTypeDefinition<_foryou_phoenix_v1_RetrieveResponse, _foryou_phoenix_v1_RetrieveResponse__Output>
        RetrievedPost: MessageTypeDefinition<_foryou_phoenix_v1_RetrievedPost, _foryou_phoenix_v1_RetrievedPost__Output>
        UserAction: MessageTypeDefinition<_foryou_phoenix_v1_UserAction, _foryou_phoenix_v1_UserAction__Output>
      }
    }
  }
}

