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
