// Original file: libs/contracts/proto/thunder.proto

import type { PostKind as _foryou_thunder_v1_PostKind, PostKind__Output as _foryou_thunder_v1_PostKind__Output } from '../../../foryou/thunder/v1/PostKind';
import type { Long } from '@grpc/proto-loader';

export interface LightPost {
  'post_id'?: (string);
  'author_id'?: (string);
  'created_at_ms'?: (number | string | Long);
  'kind'?: (_foryou_thunder_v1_PostKind);
  'reply_to_post_id'?: (string);
  'repost_of_post_id'?: (string);
  'video_duration_ms'?: (number);
  'version'?: (number | string | Long);
}

export interface LightPost__Output {
  'post_id': (string);
  'author_id': (string);
  'created_at_ms': (number);
  'kind': (_foryou_thunder_v1_PostKind__Output);
  'reply_to_post_id': (string);
  'repost_of_post_id': (string);
  'video_duration_ms': (number);
  'version': (number);
}
