// Original file: libs/contracts/proto/phoenix.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RankRequest as _foryou_phoenix_v1_RankRequest, RankRequest__Output as _foryou_phoenix_v1_RankRequest__Output } from '../../../foryou/phoenix/v1/RankRequest';
import type { RankResponse as _foryou_phoenix_v1_RankResponse, RankResponse__Output as _foryou_phoenix_v1_RankResponse__Output } from '../../../foryou/phoenix/v1/RankResponse';

export interface RankingClient extends grpc.Client {
  Rank(argument: _foryou_phoenix_v1_RankRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _foryou_phoenix_v1_RankRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _foryou_phoenix_v1_RankRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _foryou_phoenix_v1_RankRequest, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _foryou_phoenix_v1_RankRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _foryou_phoenix_v1_RankRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _foryou_phoenix_v1_RankRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _foryou_phoenix_v1_RankRequest, callback: grpc.requestCallback<_foryou_phoenix_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RankingHandlers extends grpc.UntypedServiceImplementation {
  Rank: grpc.handleUnaryCall<_foryou_phoenix_v1_RankRequest__Output, _foryou_phoenix_v1_RankResponse>;
  
}

export interface RankingDefinition extends grpc.ServiceDefinition {
  Rank: MethodDefinition<_foryou_phoenix_v1_RankRequest, _foryou_phoenix_v1_RankResponse, _foryou_phoenix_v1_RankRequest__Output, _foryou_phoenix_v1_RankResponse__Output>
}
