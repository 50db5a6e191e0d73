// Original file: libs/contracts/proto/phoenix.proto

import type { Long } from '@grpc/proto-loader';

export interface UserAction {
  'post_id'?: (string);
  'action'?: (string);
  'at_ms'?: (number | string | Long);
}

export interface UserAction__Output {
  'post_id': (string);
  'action': (string);
  'at_ms': (number);
}
