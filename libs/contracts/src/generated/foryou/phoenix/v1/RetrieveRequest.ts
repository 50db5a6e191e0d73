// Original file: libs/contracts/proto/phoenix.proto

import type { UserAction as _foryou_phoenix_v1_UserAction, UserAction__Output as _foryou_phoenix_v1_UserAction__Output } from '../../../foryou/phoenix/v1/UserAction';
import type { Long } from '@grpc/proto-loader';

export interface RetrieveRequest {
  'request_id'?: (string);
  'viewer_id'?: (string);
  'action_sequence'?: (_foryou_phoenix_v1_UserAction)[];
  'k'?: (number);
  'not_before_ms'?: (number | string | Long);
  'exclude_author_ids'?: (string)[];
  'exact'?: (boolean);
}

export interface RetrieveRequest__Output {
  'request_id': (string);
  'viewer_id': (string);
  'action_sequence': (_foryou_phoenix_v1_UserAction__Output)[];
  'k': (number);
  'not_before_ms': (number);
  'exclude_author_ids': (string)[];
  'exact': (boolean);
}
