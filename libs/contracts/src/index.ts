export {
  ViewerIdSchema,
  FeedQuerySchema,
  RequestIdSchema,
  MAX_FEED_LIMIT,
  DEFAULT_FEED_LIMIT,
  type FeedQuery,
} from './feed-request';
export {
  ServedTypeSchema,
  FeedItemSchema,
  DegradedComponentSchema,
  DegradationSchema,
  VersionVectorSchema,
  FeedCountsSchema,
  FeedResponseSchema,
  ErrorResponseSchema,
  type ServedType,
  type FeedItem,
  type Degradation,
  type VersionVector,
  type FeedResponse,
  type ErrorResponse,
} from './feed-response';
export { PROTO_DIR, loadThunderProto, loadPhoenixProto, type ThunderProto, type PhoenixProto } from './grpc';
export type {
  GetInNetworkPostsRequest,
  GetInNetworkPostsRequest__Output,
} from './generated/foryou/thunder/v1/GetInNetworkPostsRequest';
export type {
  GetInNetworkPostsResponse,
  GetInNetworkPostsResponse__Output,
} from './generated/foryou/thunder/v1/GetInNetworkPostsResponse';
export type { LightPost, LightPost__Output } from './generated/foryou/thunder/v1/LightPost';
export type { PostKind } from './generated/foryou/thunder/v1/PostKind';
export type {
  InNetworkPostsClient,
  InNetworkPostsHandlers,
} from './generated/foryou/thunder/v1/InNetworkPosts';
export type { RetrieveRequest, RetrieveRequest__Output } from './generated/foryou/phoenix/v1/RetrieveRequest';
export type {
  RetrieveResponse,
  RetrieveResponse__Output,
} from './generated/foryou/phoenix/v1/RetrieveResponse';
export type { RetrievedPost, RetrievedPost__Output } from './generated/foryou/phoenix/v1/RetrievedPost';
export type { RetrievalStatus } from './generated/foryou/phoenix/v1/RetrievalStatus';
export type { UserAction, UserAction__Output } from './generated/foryou/phoenix/v1/UserAction';
export type { RankRequest, RankRequest__Output } from './generated/foryou/phoenix/v1/RankRequest';
export type { RankResponse, RankResponse__Output } from './generated/foryou/phoenix/v1/RankResponse';
export type { RankCandidate, RankCandidate__Output } from './generated/foryou/phoenix/v1/RankCandidate';
export type {
  CandidatePrediction,
  CandidatePrediction__Output,
} from './generated/foryou/phoenix/v1/CandidatePrediction';
export type {
  RetrievalClient as PhoenixRetrievalGrpcClient,
  RetrievalHandlers,
} from './generated/foryou/phoenix/v1/Retrieval';
export type {
  RankingClient as PhoenixRankingGrpcClient,
  RankingHandlers,
} from './generated/foryou/phoenix/v1/Ranking';
export {
  POST_EVENT_SCHEMA_VERSION,
  POST_EVENT_TYPES,
  POST_KINDS,
  MAX_POST_EVENT_PARTITIONS,
  PostPayloadSchema,
  PostEventFieldsSchema,
  decodePostEvent,
  encodePostEvent,
  encodePostPayload,
  postEventPartition,
  postEventStreamKey,
  postEventEpochKey,
  type PostEventType,
  type PostEventKind,
  type PostPayload,
  type PostUpsertEvent,
  type PostDeleteEvent,
  type PostEvent,
  type PostEventDecodeResult,
} from './post-events';
