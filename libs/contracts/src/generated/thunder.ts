import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { GetInNetworkPostsRequest as _foryou_thunder_v1_GetInNetworkPostsRequest, GetInNetworkPostsRequest__Output as _foryou_thunder_v1_GetInNetworkPostsRequest__Output } from './foryou/thunder/v1/GetInNetworkPostsRequest';
import type { GetInNetworkPostsResponse as _foryou_thunder_v1_GetInNetworkPostsResponse, GetInNetworkPostsResponse__Output as _foryou_thunder_v1_GetInNetworkPostsResponse__Output } from './foryou/thunder/v1/GetInNetworkPostsResponse';
import type { InNetworkPostsClient as _foryou_thunder_v1_InNetworkPostsClient, InNetworkPostsDefinition as _foryou_thunder_v1_InNetworkPostsDefinition } from './foryou/thunder/v1/InNetworkPosts';
import type { LightPost as _foryou_thunder_v1_LightPost, LightPost__Output as _foryou_thunder_v1_LightPost__Output } from './foryou/thunder/v1/LightPost';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  foryou: {
    thunder: {
      v1: {
        GetInNetworkPostsRequest: MessageTypeDefinition<_foryou_thunder_v1_GetInNetworkPostsRequest, _foryou_thunder_v1_GetInNetworkPostsRequest__Output>
        GetInNetworkPostsResponse: MessageTypeDefinition<_foryou_thunder_v1_GetInNetworkPostsResponse, _foryou_thunder_v1_GetInNetworkPostsResponse__Output>
        InNetworkPosts: SubtypeConstructor<typeof grpc.Client, _foryou_thunder_v1_InNetworkPostsClient> & { service: _foryou_thunder_v1_InNetworkPostsDefinition }
        LightPost: MessageTypeDefinition<_foryou_thunder_v1_LightPost, _foryou_thunder_v1_LightPost__Output>
        PostKind: EnumTypeDefinition
      }
    }
  }
}

