import { hostname } from 'node:os';
import { ConfigError, parseEnv } from '@foryou/service-kit';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const Name = z.string().regex(/^[A-Za-z0-9:_-]*$/, 'may only contain letters, digits, ":", "_" and "-"');

const ConfigSchema = z.object({
  WORKERS_HOST: z.string().default('0.0.0.0'),
  WORKERS_HTTP_PORT: int(0, 65_535).default(8083),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Must equal home-mixer's: the outbox and the feed state live under it. */
  REDIS_KEY_PREFIX: Name.default('foryou:'),
  /** BullMQ's own key prefix (BullMQ does not support ioredis `keyPrefix`). */
  QUEUE_PREFIX: Name.min(1).default('foryou-bull'),
  /** Relay consumer name: stable across restarts (defaults to the host name) so a restarted relay re-sends its own unacknowledged entries at once. */
  WORKER_ID: Name.min(1).optional(),
  /** Another relay's unacknowledged entries are taken over after this long. */
  RELAY_CLAIM_IDLE_MS: int(100, 3_600_000).default(30_000),
  WORKER_CONCURRENCY: int(1, 1000).default(16),
  /** Simulates an older worker in compatibility drills: payload versions above this are unknown. */
  WORKER_MAX_SCHEMA_VERSION: int(1, 1000).optional(),
  WORKER_ATTEMPTS: int(1, 100).default(6),
  WORKER_BACKOFF_MS: int(1, 600_000).default(200),
  /** A killed worker's jobs are re-delivered after this long without a lock renewal. */
  WORKER_LOCK_DURATION_MS: int(500, 600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: int(100, 600_000).default(30_000),
  /** Periodic served-history reconciliation; 0 turns it off. */
  RECONCILE_INTERVAL_S: int(0, 86_400).default(300),
  RECONCILE_WINDOW_S: int(60, 30 * 86_400).default(3600),
  RECONCILE_GRACE_S: int(1, 86_400).default(60),
  RECONCILE_MAX_REPAIRS_PER_S: int(1, 100_000).default(50),
  /** Grox content understanding (src/grox): consumes the post-event streams and runs one graph per post version. */
  GROX_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Post-event stream partitions: must equal THUNDER_PARTITIONS and publish-world's --partitions. */
  GROX_PARTITIONS: int(1, 1024).default(8),
  /** Consumer group of the Grox consumer on the post-event streams (Thunder has its own). */
  GROX_CONSUMER_GROUP: Name.min(1).default('grox'),
  /** Task-graph executor prefix (graph state and its BullMQ queues); default `<REDIS_KEY_PREFIX>grox:`. */
  GROX_PREFIX: Name.min(1).optional(),
  /** The world the posts come from: must equal home-mixer's WORLD_SCALE / WORLD_SEED and publish-world's. */
  WORLD_SCALE: z.enum(['small', 'medium', 'large']).default('medium'),
  WORLD_SEED: z.coerce.number().int().default(42),
  /** Attempts of load / summarize / classify / publish running at once in this process. */
  GROX_NETWORK_CONCURRENCY: int(1, 1000).default(8),
  /** Attempts of embed running at once in this process (reserved: never taken by network tasks). */
  GROX_CPU_CONCURRENCY: int(1, 1000).default(2),
  /** Waiting room: graphs accepted and not finished, across every workers process on the prefix. */
  GROX_MAX_GRAPHS_IN_FLIGHT: int(1, 1_000_000).default(256),
  /** Retries all tasks of one graph may use together. */
  GROX_RETRY_BUDGET: int(0, 100).default(3),
  /** Stream entries read per partition per XREADGROUP. */
  GROX_READ_BATCH: int(1, 10_000).default(100),
  /** Pause before retrying entries left unacknowledged because the waiting room was full. */
  GROX_REJECT_RETRY_MS: int(10, 600_000).default(500),
  /** Another consumer's unacknowledged entries are taken over after this long. */
  GROX_CLAIM_IDLE_MS: int(100, 3_600_000).default(60_000),
  /** How long finished graphs' records (graph, tasks, attempts) are kept. */
  GROX_RECORD_TTL_S: int(60, 30 * 86_400).default(86_400),
  /** Experiments database (Postgres): when set, exposures are recorded there; when unset, that job is not handled. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Experiment definitions (`*.yaml`) the monitor watches; default the repository's `experiments/`. */
  EXPERIMENTS_DIR: z.string().min(1).optional(),
  /** Period of the experiment monitor (guardrails, SRM, automatic kills; needs DATABASE_URL); 0 turns it off. */
  EXPERIMENT_MONITOR_INTERVAL_MS: int(0, 86_400_000).default(30_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('workers'),
  CODE_VERSION: z.string().min(1).default('0.1.0'),
});

type LogLevel = z.infer<typeof ConfigSchema>['LOG_LEVEL'];

/** The workers' validated configuration. Built once at boot; nothing else reads process.env. */
export interface WorkerConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  readonly queuePrefix: string;
  readonly workerId: string;
  readonly relayClaimIdleMs: number;
  readonly concurrency: number;
  readonly maxSchemaVersion: number | undefined;
  readonly retry: { readonly attempts: number; readonly baseDelayMs: number };
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly reconcile: {
    readonly intervalMs: number;
    readonly windowMs: number;
    readonly graceMs: number;
    readonly maxRepairsPerSecond: number;
  };
  readonly grox: GroxConfig;
  /** Experiments database; unset means `experiment-exposures.record` is not registered. */
  readonly databaseUrl: string | undefined;
  /** The experiment monitor (runs only with `databaseUrl`). */
  readonly experiments: {
    /** Definitions directory; undefined = the repository's `experiments/`. */
    readonly dir: string | undefined;
    /** 0 = the monitor is off. */
    readonly monitorIntervalMs: number;
  };
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  readonly codeVersion: string;
}

/** Grox content understanding (GROX_* variables). */
export interface GroxConfig {
  readonly enabled: boolean;
  readonly partitions: number;
  readonly consumerGroup: string;
  /** Executor prefix, ending in ':'. */
  readonly prefix: string;
  readonly world: { readonly scale: 'small' | 'medium' | 'large'; readonly seed: number };
  readonly pools: { readonly network: number; readonly cpu: number };
  readonly maxGraphsInFlight: number;
  readonly retryBudget: number;
  readonly readBatch: number;
  readonly rejectRetryMs: number;
  readonly claimIdleMs: number;
  readonly recordTtlSeconds: number;
}

export { ConfigError };

/** Parses and validates the environment (blank values count as unset); ConfigError lists every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const c = parseEnv(ConfigSchema, env);
  return {
    host: c.WORKERS_HOST,
    httpPort: c.WORKERS_HTTP_PORT,
    logLevel: c.LOG_LEVEL,
    redisUrl: c.REDIS_URL,
    redisKeyPrefix: c.REDIS_KEY_PREFIX,
    queuePrefix: c.QUEUE_PREFIX,
    workerId: c.WORKER_ID ?? hostname(),
    relayClaimIdleMs: c.RELAY_CLAIM_IDLE_MS,
    concurrency: c.WORKER_CONCURRENCY,
    maxSchemaVersion: c.WORKER_MAX_SCHEMA_VERSION,
    retry: { attempts: c.WORKER_ATTEMPTS, baseDelayMs: c.WORKER_BACKOFF_MS },
    lockDurationMs: c.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: c.WORKER_STALLED_INTERVAL_MS,
    reconcile: {
      intervalMs: c.RECONCILE_INTERVAL_S * 1000,
      windowMs: c.RECONCILE_WINDOW_S * 1000,
      graceMs: c.RECONCILE_GRACE_S * 1000,
      maxRepairsPerSecond: c.RECONCILE_MAX_REPAIRS_PER_S,
    },
    grox: {
      enabled: c.GROX_ENABLED,
      partitions: c.GROX_PARTITIONS,
      consumerGroup: c.GROX_CONSUMER_GROUP,
      prefix: withColon(c.GROX_PREFIX ?? `${c.REDIS_KEY_PREFIX}grox:`),
      world: { scale: c.WORLD_SCALE, seed: c.WORLD_SEED },
      pools: { network: c.GROX_NETWORK_CONCURRENCY, cpu: c.GROX_CPU_CONCURRENCY },
      maxGraphsInFlight: c.GROX_MAX_GRAPHS_IN_FLIGHT,
      retryBudget: c.GROX_RETRY_BUDGET,
      readBatch: c.GROX_READ_BATCH,
      rejectRetryMs: c.GROX_REJECT_RETRY_MS,
      claimIdleMs: c.GROX_CLAIM_IDLE_MS,
      recordTtlSeconds: c.GROX_RECORD_TTL_S,
    },
    databaseUrl: c.DATABASE_URL,
    experiments: { dir: c.EXPERIMENTS_DIR, monitorIntervalMs: c.EXPERIMENT_MONITOR_INTERVAL_MS },
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: c.OTEL_SERVICE_NAME,
    codeVersion: c.CODE_VERSION,
  };
}

const withColon = (prefix: string): string => (prefix.endsWith(':') ? prefix : `${prefix}:`);
