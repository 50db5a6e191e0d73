// Original file: libs/contracts/proto/phoenix.proto

import type { UserAction as _foryou_phoenix_v1_UserAction, UserAction__Output as _foryou_phoenix_v1_UserAction__Output } from '../../../foryou/phoenix/v1/UserAction';
import type { RankCandidate as _foryou_phoenix_v1_RankCandidate, RankCandidate__Output as _foryou_phoenix_v1_RankCandidate__Output } from '../../../foryou/phoenix/v1/RankCandidate';

export interface RankRequest {
  'request_id'?: (string);
  'viewer_id'?: (string);
  'action_sequence'?: (_foryou_phoenix_v1_UserAction)[];
  'candidates'?: (_foryou_phoenix_v1_RankCandidate)[];
}

export interface RankRequest__Output {
  'request_id': (string);
  'viewer_id': (string);
  'action_sequence': (_foryou_phoenix_v1_UserAction__Output)[];
  'candidates': (_foryou_phoenix_v1_RankCandidate__Output)[];
}
