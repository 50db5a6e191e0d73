// Original file: libs/contracts/proto/thunder.proto

import type { LightPost as _foryou_thunder_v1_LightPost, LightPost__Output as _foryou_thunder_v1_LightPost__Output } from '../../../foryou/thunder/v1/LightPost';

export interface GetInNetworkPostsResponse {
  'posts'?: (_foryou_thunder_v1_LightPost)[];
  'partial'?: (boolean);
  'authors_requested'?: (number);
  'authors_scanned'?: (number);
  'store_version'?: (string);
}

export interface GetInNetworkPostsResponse__Output {
  'posts': (_foryou_thunder_v1_LightPost__Output)[];
  'partial': (boolean);
  'authors_requested': (number);
  'authors_scanned': (number);
  'store_version': (string);
}
