// Original file: libs/contracts/proto/phoenix.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RetrieveRequest as _foryou_phoenix_v1_RetrieveRequest, RetrieveRequest__Output as _foryou_phoenix_v1_RetrieveRequest__Output } from '../../../foryou/phoenix/v1/RetrieveRequest';
import type { RetrieveResponse as _foryou_phoenix_v1_RetrieveResponse, RetrieveResponse__Output as _foryou_phoenix_v1_RetrieveResponse__Output } from '../../../foryou/phoenix/v1/RetrieveResponse';

export interface RetrievalClient extends grpc.Client {
  Retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  Retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  Retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  Retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  retrieve(argument: _foryou_phoenix_v1_RetrieveRequest, callback: grpc.requestCallback<_foryou_phoenix_v1_RetrieveResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RetrievalHandlers extends grpc.UntypedServiceImplementation {
  Retrieve: grpc.handleUnaryCall<_foryou_phoenix_v1_RetrieveRequest__Output, _foryou_phoenix_v1_RetrieveResponse>;
  
}

export interface RetrievalDefinition extends grpc.ServiceDefinition {
  Retrieve: MethodDefinition<_foryou_phoenix_v1_RetrieveRequest, _foryou_phoenix_v1_RetrieveResponse, _foryou_phoenix_v1_RetrieveRequest__Output, _foryou_phoenix_v1_RetrieveResponse__Output>
}
