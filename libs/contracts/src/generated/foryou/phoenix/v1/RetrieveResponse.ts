// Original file: libs/contracts/proto/phoenix.proto

import type { RetrievalStatus as _foryou_phoenix_v1_RetrievalStatus, RetrievalStatus__Output as _foryou_phoenix_v1_RetrievalStatus__Output } from '../../../foryou/phoenix/v1/RetrievalStatus';
import type { RetrievedPost as _foryou_phoenix_v1_RetrievedPost, RetrievedPost__Output as _foryou_phoenix_v1_RetrievedPost__Output } from '../../../foryou/phoenix/v1/RetrievedPost';

export interface RetrieveResponse {
  'status'?: (_foryou_phoenix_v1_RetrievalStatus);
  'posts'?: (_foryou_phoenix_v1_RetrievedPost)[];
  'model_version'?: (string);
  'corpus_version'?: (string);
  'index'?: (string);
}

export interface RetrieveResponse__Output {
  'status': (_foryou_phoenix_v1_RetrievalStatus__Output);
  'posts': (_foryou_phoenix_v1_RetrievedPost__Output)[];
  'model_version': (string);
  'corpus_version': (string);
  'index': (string);
}
