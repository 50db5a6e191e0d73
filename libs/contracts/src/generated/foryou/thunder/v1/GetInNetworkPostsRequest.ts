// Original file: libs/contracts/proto/thunder.proto

import type { Long } from '@grpc/proto-loader';

export interface GetInNetworkPostsRequest {
  'request_id'?: (string);
  'viewer_id'?: (string);
  'author_ids'?: (string)[];
  'exclude_post_ids'?: (string)[];
  'max_per_author'?: (number);
  'max_results'?: (number);
  'not_before_ms'?: (number | string | Long);
}

export interface GetInNetworkPostsRequest__Output {
  'request_id': (string);
  'viewer_id': (string);
  'author_ids': (string)[];
  'exclude_post_ids': (string)[];
  'max_per_author': (number);
  'max_results': (number);
  'not_before_ms': (number);
}
