import { ConfigError, parseEnv } from '@foryou/service-kit';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const port = int(0, 65_535);
/** "true"/"false"/"1"/"0" (z.coerce.boolean would read "false" as true). */
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const ConfigSchema = z.object({
  PHOENIX_HOST: z.string().default('0.0.0.0'),
  PHOENIX_HTTP_PORT: port.default(8082),
  PHOENIX_GRPC_PORT: port.default(50052),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORLD_SCALE: z.enum(['small', 'medium', 'large']).default('medium'),
  WORLD_SEED: z.coerce.number().int().default(42),
  PHOENIX_ARTIFACT_DIR: z.string().min(1).default('.cache/phoenix'),
  PHOENIX_TRAIN_IF_MISSING: flag.default(true),
  PHOENIX_MAX_CONCURRENT_REQUESTS: int(1, 100_000).default(64),
  PHOENIX_REQUEST_TIMEOUT_MS: int(1, 60_000).default(1_000),
  PHOENIX_DEADLINE_RESERVE_MS: int(0, 10_000).default(5),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('phoenix'),
  CODE_VERSION: z.string().min(1).default('0.1.0'),
});

type LogLevel = z.infer<typeof ConfigSchema>['LOG_LEVEL'];

/** Phoenix's validated configuration. Built once at boot; nothing else reads process.env. */
export interface AppConfig {
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly logLevel: LogLevel;
  readonly world: { readonly scale: 'small' | 'medium' | 'large'; readonly seed: number };
  readonly artifacts: {
    /** Root of the artifact cache: `<dir>/<world version>-<model code version>/`. */
    readonly dir: string;
    /** Train (and cache) at start when no artifact exists; otherwise refuse to start. */
    readonly trainIfMissing: boolean;
  };
  readonly serving: {
    /** Calls handled at once; beyond it a call is shed at once with RESOURCE_EXHAUSTED. */
    readonly maxConcurrentRequests: number;
    /** Server-side budget per call, applied when the caller's deadline is later or absent. */
    readonly requestTimeoutMs: number;
    /** Stop searching this long before the deadline, to leave time for the response. */
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
    host: c.PHOENIX_HOST,
    httpPort: c.PHOENIX_HTTP_PORT,
    grpcPort: c.PHOENIX_GRPC_PORT,
    logLevel: c.LOG_LEVEL,
    world: { scale: c.WORLD_SCALE, seed: c.WORLD_SEED },
    artifacts: { dir: c.PHOENIX_ARTIFACT_DIR, trainIfMissing: c.PHOENIX_TRAIN_IF_MISSING },
    serving: {
      maxConcurrentRequests: c.PHOENIX_MAX_CONCURRENT_REQUESTS,
      requestTimeoutMs: c.PHOENIX_REQUEST_TIMEOUT_MS,
      deadlineReserveMs: c.PHOENIX_DEADLINE_RESERVE_MS,
    },
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: c.OTEL_SERVICE_NAME,
    codeVersion: c.CODE_VERSION,
  };
}
