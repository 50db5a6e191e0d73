// Original file: libs/contracts/proto/thunder.proto

export const PostKind = {
  POST_KIND_UNSPECIFIED: 'POST_KIND_UNSPECIFIED',
  POST_KIND_ORIGINAL: 'POST_KIND_ORIGINAL',
  POST_KIND_REPLY: 'POST_KIND_REPLY',
  POST_KIND_REPOST: 'POST_KIND_REPOST',
  POST_KIND_VIDEO: 'POST_KIND_VIDEO',
} as const;

export type PostKind =
  | 'POST_KIND_UNSPECIFIED'
  | 0
  | 'POST_KIND_ORIGINAL'
  | 1
  | 'POST_KIND_REPLY'
  | 2
  | 'POST_KIND_REPOST'
  | 3
  | 'POST_KIND_VIDEO'
  | 4

export type PostKind__Output = typeof PostKind[keyof typeof PostKind]
