import { ConfigError, parseEnv } from '@foryou/service-kit';
import { z } from 'zod';
import type { PostStoreOptions } from '../store/types';

/**
 * = MAX_POST_EVENT_PARTITIONS of @foryou/contracts (checked by the spec). Not imported: config loads
 * before OpenTelemetry starts, and the contracts package loads grpc-js (and with it `http`).
 */
export const MAX_PARTITIONS = 1024;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65_535);
const Name = z.string().regex(/^[A-Za-z0-9:_-]*$/, 'may only contain letters, digits, ":", "_" and "-"');

const ConfigSchema = z.object({
  THUNDER_HOST: z.string().default('0.0.0.0'),
  THUNDER_HTTP_PORT: port.default(8081),
  THUNDER_GRPC_PORT: port.default(50051),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: Name.default('foryou:'),
  THUNDER_PARTITIONS: int(1, MAX_PARTITIONS).default(8),
  THUNDER_CONSUMER_GROUP: Name.min(1).default('thunder'),
  THUNDER_READ_BATCH: int(1, 10_000).default(1000),
  THUNDER_LAG_POLL_MS: int(10, 60_000).default(1000),
  THUNDER_READY_MAX_LAG: int(1, 100_000_000).default(500),
  THUNDER_SNAPSHOT_DIR: z.string().min(1).default('.cache/thunder'),
  THUNDER_SNAPSHOT_INTERVAL_S: z.coerce.number().positive().max(86_400).default(60),
  THUNDER_RETENTION_S: int(1, 30 * 86_400).default(48 * 3600),
  THUNDER_ALLOWED_LATENESS_S: int(0, 30 * 86_400).default(3600),
  THUNDER_MAX_POSTS_PER_AUTHOR: int(1, 100_000).default(1000),
  THUNDER_DEDUPE_IDS_PER_PARTITION: int(0, 10_000_000).default(50_000),
  THUNDER_MAX_CONCURRENT_REQUESTS: int(1, 100_000).default(64),
  THUNDER_MAX_SCAN_PER_AUTHOR: int(1, 100_000).default(250),
  THUNDER_REQUEST_TIMEOUT_MS: int(1, 60_000).default(500),
  THUNDER_DEADLINE_RESERVE_MS: int(0, 10_000).default(5),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('thunder'),
  CODE_VERSION: z.string().min(1).default('0.1.0'),
});

type LogLevel = z.infer<typeof ConfigSchema>['LOG_LEVEL'];

/** Thunder's validated configuration. Built once at boot; nothing else reads process.env. */
export interface AppConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly logLevel: LogLevel;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  readonly ingest: {
    /** Consumer group; each Thunder replica needs its own (every replica must see every post). */
    readonly consumerGroup: string;
    readonly readBatch: number;
    readonly lagPollMs: number;
    /** Ready once every partition is fewer than this many entries behind its stream's tip. */
    readonly readyMaxLag: number;
  };
  readonly store: PostStoreOptions;
  readonly snapshot: { readonly dir: string; readonly intervalMs: number };
  readonly serving: {
    readonly maxConcurrentRequests: number;
    readonly maxScanPerAuthor: number;
    /** Server-side budget per request, applied when the caller's deadline is later or absent. */
    readonly requestTimeoutMs: number;
    /** Stop scanning this long before the deadline, to leave time for the response. */
    readonly deadlineReserveMs: number;
  };
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  readonly codeVersion: string;
}

export { ConfigError };

/** Parses and validates the environment (blank values count as unset); ConfigError lists every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const c = parseEnv(ConfigSchema, env);
  return {
    host: c.THUNDER_HOST,
    httpPort: c.THUNDER_HTTP_PORT,
    grpcPort: c.THUNDER_GRPC_PORT,
    logLevel: c.LOG_LEVEL,
    redisUrl: c.REDIS_URL,
    redisKeyPrefix: c.REDIS_KEY_PREFIX,
    ingest: {
      consumerGroup: c.THUNDER_CONSUMER_GROUP,
      readBatch: c.THUNDER_READ_BATCH,
      lagPollMs: c.THUNDER_LAG_POLL_MS,
      readyMaxLag: c.THUNDER_READY_MAX_LAG,
    },
    store: {
      partitions: c.THUNDER_PARTITIONS,
      retentionMs: c.THUNDER_RETENTION_S * 1000,
      allowedLatenessMs: c.THUNDER_ALLOWED_LATENESS_S * 1000,
      maxPostsPerAuthor: c.THUNDER_MAX_POSTS_PER_AUTHOR,
      dedupeIdsPerPartition: c.THUNDER_DEDUPE_IDS_PER_PARTITION,
    },
    snapshot: { dir: c.THUNDER_SNAPSHOT_DIR, intervalMs: Math.round(c.THUNDER_SNAPSHOT_INTERVAL_S * 1000) },
    serving: {
      maxConcurrentRequests: c.THUNDER_MAX_CONCURRENT_REQUESTS,
      maxScanPerAuthor: c.THUNDER_MAX_SCAN_PER_AUTHOR,
      requestTimeoutMs: c.THUNDER_REQUEST_TIMEOUT_MS,
      deadlineReserveMs: c.THUNDER_DEADLINE_RESERVE_MS,
    },
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: c.OTEL_SERVICE_NAME,
    codeVersion: c.CODE_VERSION,
  };
}
