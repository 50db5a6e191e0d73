// Original file: libs/contracts/proto/thunder.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetInNetworkPostsRequest as _foryou_thunder_v1_GetInNetworkPostsRequest, GetInNetworkPostsRequest__Output as _foryou_thunder_v1_GetInNetworkPostsRequest__Output } from '../../../foryou/thunder/v1/GetInNetworkPostsRequest';
import type { GetInNetworkPostsResponse as _foryou_thunder_v1_GetInNetworkPostsResponse, GetInNetworkPostsResponse__Output as _foryou_thunder_v1_GetInNetworkPostsResponse__Output } from '../../../foryou/thunder/v1/GetInNetworkPostsResponse';

export interface InNetworkPostsClient extends grpc.Client {
  GetInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  GetInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  GetInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  GetInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  getInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  getInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  getInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  getInNetworkPosts(argument: _foryou_thunder_v1_GetInNetworkPostsRequest, callback: grpc.requestCallback<_foryou_thunder_v1_GetInNetworkPostsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface InNetworkPostsHandlers extends grpc.UntypedServiceImplementation {
  GetInNetworkPosts: grpc.handleUnaryCall<_foryou_thunder_v1_GetInNetworkPostsRequest__Output, _foryou_thunder_v1_GetInNetworkPostsResponse>;
  
}

export interface InNetworkPostsDefinition extends grpc.ServiceDefinition {
  GetInNetworkPosts: MethodDefinition<_foryou_thunder_v1_GetInNetworkPostsRequest, _foryou_thunder_v1_GetInNetworkPostsResponse, _foryou_thunder_v1_GetInNetworkPostsRequest__Output, _foryou_thunder_v1_GetInNetworkPostsResponse__Output>
}
